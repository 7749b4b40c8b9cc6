"""Shape functions: both spelling conventions, NumPy references, gradients, errors."""

import numpy as np
import pytest

import lucid


def _t(shape, requires_grad=False, dtype=lucid.float64):
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    return lucid.tensor(a, dtype=dtype, requires_grad=requires_grad), a


def _grad(f, x):
    """The gradient of ``sum(f(x) * w)`` for a fixed random ``w``, and the same by finite
    differences."""
    rng = np.random.default_rng(0)
    out = f(x)
    w = rng.standard_normal(out.shape)
    (g,) = lucid.grad([out], [x], grad_outputs=[lucid.tensor(w)])
    a = x.numpy()
    num = np.zeros_like(a)
    for k in range(a.size):
        for sign in (1, -1):
            b = a.copy()
            b.reshape(-1)[k] += sign * 1e-6
            num.reshape(-1)[k] += sign * np.sum(f(lucid.tensor(b)).numpy() * w) / 2e-6
    return g.numpy(), num


# -- squeeze / unsqueeze / flatten ------------------------------------------------------
def test_squeeze_conventions():
    x, _ = _t((2, 1, 3, 1))
    assert lucid.squeeze(x).shape == (2, 3)
    assert lucid.squeeze(x, 1).shape == (2, 3, 1)
    assert lucid.squeeze(x, axis=(1, -1)).shape == (2, 3)
    assert x.squeeze(-1).shape == (2, 1, 3)
    assert x.squeeze((1, 3)).shape == (2, 3)
    # PyTorch spelling leaves a dim of size != 1 alone; NumPy spelling raises
    assert x.squeeze(0).shape == (2, 1, 3, 1)
    assert lucid.squeeze(x, dim=0).shape == (2, 1, 3, 1)
    with pytest.raises(lucid.ShapeError, match=r"squeeze.*axis 0.*\(2, 1, 3, 1\)"):
        lucid.squeeze(x, 0)
    with pytest.raises(lucid.ShapeError, match="squeeze"):
        x.squeeze(axis=0)
    with pytest.raises(lucid.ShapeError, match="out of range"):
        x.squeeze(4)


def test_unsqueeze_expand_dims():
    x, a = _t((2, 3))
    assert x.unsqueeze(0).shape == (1, 2, 3)
    assert x.unsqueeze(-1).shape == (2, 3, 1)
    assert lucid.unsqueeze(x, -2).shape == (2, 1, 3)
    assert lucid.expand_dims(x, (0, -1)).shape == np.expand_dims(a, (0, -1)).shape
    with pytest.raises(lucid.ShapeError, match="unsqueeze"):
        x.unsqueeze(3)


def test_flatten_ravel_unflatten():
    x, a = _t((2, 3, 4))
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert lucid.flatten(x, 0, 1).shape == (6, 4)
    assert x.flatten(-2, -1).shape == (2, 12)
    np.testing.assert_array_equal(lucid.ravel(x).numpy(), a.ravel())
    assert lucid.tensor(3.0).flatten().shape == (1,)
    assert x.unflatten(2, (2, -1)).shape == (2, 3, 2, 2)
    assert x.reshape(-1, 4).shape == (6, 4)
    with pytest.raises(lucid.ShapeError, match="flatten"):
        x.flatten(2, 1)
    with pytest.raises(lucid.ShapeError, match="unflatten"):
        x.unflatten(1, (2, 2))


def test_movedim_contiguous():
    x, a = _t((2, 3, 4))
    np.testing.assert_array_equal(lucid.movedim(x, 0, -1).numpy(), np.moveaxis(a, 0, -1))
    np.testing.assert_array_equal(lucid.moveaxis(x, (0, 1), (2, 0)).numpy(),
                                  np.moveaxis(a, (0, 1), (2, 0)))
    assert x.contiguous() is x and x.is_contiguous()
    assert x.swapdims(0, 2).shape == (4, 3, 2)


# -- cat / stack ------------------------------------------------------------------------
def test_cat_promotes_and_checks():
    a = lucid.tensor([[1, 2]])
    b = lucid.tensor([[0.5, 1.5]])
    out = lucid.cat([a, b])
    assert out.dtype == lucid.float32 and out.shape == (2, 2)
    assert lucid.cat([a, a], dim=-1).shape == (1, 4)
    assert lucid.concatenate([a, a], axis=1).shape == (1, 4)
    assert lucid.concatenate([a, a], axis=None).shape == (4,)
    assert lucid.cat([a, lucid.tensor([], dtype=lucid.int64)]).shape == (1, 2)  # legacy empty
    with pytest.raises(lucid.ShapeError, match=r"concatenate.*\(1, 2\).*\(3,\)"):
        lucid.cat([a, lucid.tensor([1, 2, 3])])
    with pytest.raises(lucid.ShapeError, match=r"\(1, 2\), \(1, 3\)"):
        lucid.cat([a, lucid.tensor([[1, 2, 3]])])
    with pytest.raises(ValueError, match="axis or dim"):
        lucid.concatenate([a], 0, dim=1)


def test_cat_gradient_and_second_derivative():
    x = lucid.tensor([1.0, 2.0, -1.0], dtype=lucid.float64, requires_grad=True)
    y = lucid.cat([x * x, x], dim=0)
    f = (y * y).sum()  # sum(x^4 + x^2)
    (g,) = lucid.grad([f], [x], create_graph=True)
    a = x.numpy()
    np.testing.assert_allclose(g.numpy(), 4 * a ** 3 + 2 * a)
    (h,) = lucid.grad([g.sum()], [x])
    np.testing.assert_allclose(h.numpy(), 12 * a ** 2 + 2)


def test_stack_family():
    x, a = _t((2, 3))
    y, b = _t((2, 3))
    np.testing.assert_array_equal(lucid.stack([x, y], 1).numpy(), np.stack([a, b], 1))
    np.testing.assert_array_equal(lucid.stack([x, y], dim=-1).numpy(), np.stack([a, b], -1))
    np.testing.assert_array_equal(lucid.hstack([x, y]).numpy(), np.hstack([a, b]))
    np.testing.assert_array_equal(lucid.vstack([x, y]).numpy(), np.vstack([a, b]))
    np.testing.assert_array_equal(lucid.dstack([x, y]).numpy(), np.dstack([a, b]))
    v = lucid.tensor([1.0, 2.0])
    np.testing.assert_array_equal(lucid.column_stack([v, v]).numpy(),
                                  np.column_stack([[1, 2], [1, 2]]))
    assert lucid.atleast_3d(v).shape == (1, 2, 1)
    with pytest.raises(lucid.ShapeError, match=r"stack.*\(2, 3\), \(3,\)"):
        lucid.stack([x, lucid.tensor([1.0, 2.0, 3.0])])


# -- split family -----------------------------------------------------------------------
def test_split_numpy_convention():
    """NumPy's np.split meaning lives in hsplit/vsplit/array_split; lucid.split is
    PyTorch's and the original Lucid's (test_split_torch_convention)."""
    x, a = _t((6, 2))
    parts = lucid.vsplit(x, 3)
    assert isinstance(parts, list) and [p.shape for p in parts] == [(2, 2)] * 3
    parts = lucid.vsplit(x, [1, 4])
    assert [p.shape for p in parts] == [(1, 2), (3, 2), (2, 2)]
    with pytest.raises(lucid.ShapeError, match="equal sections"):
        lucid.vsplit(x, 4)
    assert [p.shape[0] for p in lucid.array_split(x, 4)] == [2, 2, 1, 1]
    assert [p.shape[1] for p in lucid.hsplit(x, 2)] == [1, 1]


def test_split_torch_convention():
    x, a = _t((5, 2))
    parts = x.split(2)
    assert isinstance(parts, tuple) and [p.shape[0] for p in parts] == [2, 2, 1]
    assert [p.shape[0] for p in lucid.split(x, [1, 4], dim=0)] == [1, 4]
    assert [p.shape[0] for p in lucid.split(x, 2)] == [2, 2, 1]  # = torch.split(t, 2)
    assert [p.shape[0] for p in lucid.split(x, [1, 4], axis=0)] == [1, 4]
    assert [p.shape[1] for p in x.split(1, dim=-1)] == [1, 1]
    np.testing.assert_array_equal(parts[2].numpy(), a[4:])
    with pytest.raises(lucid.ShapeError, match="add up"):
        x.split([2, 2])


def test_chunk_unbind_iter():
    x, a = _t((5, 3))
    assert [p.shape[0] for p in x.chunk(3)] == [2, 2, 1]
    assert [p.shape[0] for p in lucid.chunk(x, 4)] == [2, 2, 1]  # fewer pieces, like torch
    assert [p.shape[1] for p in x.chunk(3, dim=1)] == [1, 1, 1]
    rows = x.unbind()
    assert len(rows) == 5 and rows[1].shape == (3,)
    cols = lucid.unbind(x, -1)
    np.testing.assert_array_equal(cols[2].numpy(), a[:, 2])
    assert [r.shape for r in x] == [(3,)] * 5
    with pytest.raises(TypeError, match="0-d"):
        iter(lucid.tensor(1.0))


def test_split_gradient_with_unused_pieces():
    x = lucid.tensor(np.arange(6.0), dtype=lucid.float64, requires_grad=True)
    a, b, c = x.chunk(3)
    (b * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 3, 3, 0, 0])
    x.grad = None
    parts = x.unbind()
    (parts[0] * parts[5]).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5, 0, 0, 0, 0, 0])


# -- tile / repeat / pad / roll / flip ------------------------------------------------
def test_tile_and_repeat_conventions():
    x, a = _t((2, 3))
    np.testing.assert_array_equal(lucid.tile(x, (2, 1, 2)).numpy(), np.tile(a, (2, 1, 2)))
    np.testing.assert_array_equal(x.tile(2).numpy(), np.tile(a, 2))
    np.testing.assert_array_equal(x.repeat(2, 2).numpy(), np.tile(a, (2, 2)))
    np.testing.assert_array_equal(x.repeat(3, 1, 1).numpy(), np.tile(a, (3, 1, 1)))
    np.testing.assert_array_equal(lucid.repeat(x, 2).numpy(), np.repeat(a, 2))
    np.testing.assert_array_equal(lucid.repeat(x, 2, axis=1).numpy(), np.repeat(a, 2, 1))
    np.testing.assert_array_equal(x.repeat(2, axis=0).numpy(), np.repeat(a, 2, 0))
    np.testing.assert_array_equal(lucid.repeat(x, [0, 2, 1], 1).numpy(),
                                  np.repeat(a, [0, 2, 1], 1))
    np.testing.assert_array_equal(x.repeat_interleave(2, dim=0).numpy(), np.repeat(a, 2, 0))
    np.testing.assert_array_equal(
        x.repeat_interleave(lucid.tensor([1, 3]), dim=0).numpy(), np.repeat(a, [1, 3], 0))
    with pytest.raises(lucid.ShapeError, match="repeat"):
        x.repeat(2)
    with pytest.raises(lucid.ShapeError, match="repeat"):
        lucid.repeat(x, [1, 2], axis=1)


def test_tile_repeat_gradients():
    x = lucid.tensor(np.arange(6.0).reshape(2, 3), dtype=lucid.float64, requires_grad=True)
    lucid.tile(x, (2, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 4.0))
    x.grad = None
    lucid.repeat(x, [1, 0, 3], axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 3], [1, 0, 3]])


@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric", "edge", "wrap"])
def test_pad_modes_match_numpy(mode):
    x, a = _t((3, 4))
    for widths in (((1, 2), (3, 0)), 2, (1, 3), ((5, 6), (7, 2))):
        if mode == "constant":
            want = np.pad(a, widths, mode=mode, constant_values=1.5)
            got = lucid.pad(x, widths, constant_values=1.5)
        else:
            want = np.pad(a, widths, mode=mode)
            got = lucid.pad(x, widths, mode=mode)
        np.testing.assert_array_equal(got.numpy(), want)


def test_pad_torch_mode_names_negative_widths_and_errors():
    x, a = _t((3, 4))
    np.testing.assert_array_equal(lucid.pad(x, 1, mode="replicate").numpy(),
                                  np.pad(a, 1, mode="edge"))
    np.testing.assert_array_equal(lucid.pad(x, 1, mode="circular").numpy(),
                                  np.pad(a, 1, mode="wrap"))
    np.testing.assert_array_equal(lucid.pad(x, ((-1, 2), (0, -2))).numpy(),
                                  np.pad(a[1:, :2], ((0, 2), (0, 0))))
    with pytest.raises(lucid.ShapeError, match="pad"):
        lucid.pad(x, ((1, 1), (1, 1), (1, 1)))
    with pytest.raises(ValueError, match="mode"):
        lucid.pad(x, 1, mode="mirror")


def test_pad_gradients():
    x = lucid.tensor(np.arange(4.0), dtype=lucid.float64, requires_grad=True)
    lucid.pad(x, (2, 1), mode="reflect").sum().backward()
    # reflect [2 1 | 0 1 2 3 | 2]: element 1 read twice more, element 2 twice more
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3, 1])
    x.grad = None
    lucid.pad(x, (1, 1), constant_values=7.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 1, 1])


def test_roll_flip():
    x, a = _t((3, 4))
    np.testing.assert_array_equal(lucid.roll(x, 1).numpy(), np.roll(a, 1))
    np.testing.assert_array_equal(x.roll(-1, 1).numpy(), np.roll(a, -1, 1))
    np.testing.assert_array_equal(lucid.roll(x, (1, 2), (0, -1)).numpy(),
                                  np.roll(a, (1, 2), (0, 1)))
    np.testing.assert_array_equal(lucid.roll(x, shift=2, axis=0).numpy(), np.roll(a, 2, 0))
    np.testing.assert_array_equal(lucid.flip(x).numpy(), np.flip(a))
    np.testing.assert_array_equal(lucid.flip(x, (0,)).numpy(), np.flip(a, 0))
    np.testing.assert_array_equal(x.flip(-1).numpy(), np.flip(a, 1))
    np.testing.assert_array_equal(x.flip(0, 1).numpy(), np.flip(a))
    np.testing.assert_array_equal(lucid.fliplr(x).numpy(), np.fliplr(a))
    np.testing.assert_array_equal(lucid.flipud(x).numpy(), np.flipud(a))
    g, num = _grad(lambda t: lucid.roll(t, (1, -1), (0, 1)) * t, x.requires_grad_())
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-6)


def test_narrow():
    x, a = _t((3, 5))
    np.testing.assert_array_equal(x.narrow(1, 1, 3).numpy(), a[:, 1:4])
    np.testing.assert_array_equal(lucid.narrow(x, 0, -2, 2).numpy(), a[1:3])
    with pytest.raises(IndexError, match=r"narrow.*\(3, 5\)"):
        x.narrow(1, 3, 3)


# -- triangles, diagonals, meshgrid ---------------------------------------------------
def test_tril_triu_diag_diagonal():
    x, a = _t((2, 3, 4))
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(lucid.tril(x, k).numpy(), np.tril(a, k))
        np.testing.assert_array_equal(x.triu(k).numpy(), np.triu(a, k))
        np.testing.assert_array_equal(lucid.diagonal(x, k, 1, 2).numpy(),
                                      np.diagonal(a, k, 1, 2))
        np.testing.assert_array_equal(lucid.diag(x[0], k).numpy(), np.diag(a[0], k))
        np.testing.assert_array_equal(lucid.diag(x[0, 0], k).numpy(), np.diag(a[0, 0], k))
    np.testing.assert_array_equal(x.diagonal(dim1=-1, dim2=0).numpy(), np.diagonal(a, 0, 2, 0))
    np.testing.assert_array_equal(lucid.tril(x, k=1).numpy(), np.tril(a, 1))
    with pytest.raises(lucid.ShapeError, match="tril"):
        lucid.tril(x[0, 0])
    with pytest.raises(lucid.ShapeError, match="diag"):
        lucid.diag(x)


def test_diag_second_derivative():
    v = lucid.tensor([1.0, 2.0, 3.0], dtype=lucid.float64, requires_grad=True)
    m = lucid.diag(v)
    f = (m * m * m).sum()
    (g,) = lucid.grad([f], [v], create_graph=True)
    np.testing.assert_allclose(g.numpy(), 3 * v.numpy() ** 2)
    (h,) = lucid.grad([g.sum()], [v])
    np.testing.assert_allclose(h.numpy(), 6 * v.numpy())


def test_meshgrid():
    a, b, c = lucid.tensor([1, 2, 3]), lucid.tensor([4, 5]), lucid.tensor([6, 7, 8, 9])
    for indexing in ("ij", "xy"):
        got = lucid.meshgrid(a, b, c, indexing=indexing)
        want = np.meshgrid([1, 2, 3], [4, 5], [6, 7, 8, 9], indexing=indexing)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
    assert lucid.meshgrid([a, b])[0].shape == (3, 2)  # PyTorch's default "ij"
    with pytest.raises(ValueError, match="indexing"):
        lucid.meshgrid(a, b, indexing="ji")


def test_select_rot90_unfold_broadcast_tensors():
    x, a = _t((2, 3, 4))
    np.testing.assert_array_equal(x.select(1, -1).numpy(), a[:, -1])
    for k in (-1, 0, 1, 2, 3, 5):
        np.testing.assert_array_equal(lucid.rot90(x, k, (0, 2)).numpy(), np.rot90(a, k, (0, 2)))
    np.testing.assert_array_equal(x.unfold(2, 2, 1).numpy(),
                                  np.stack([a[..., i:i + 2] for i in range(3)], axis=2))
    assert x.unfold(1, 2, 2).shape == (2, 1, 4, 2)
    with pytest.raises(lucid.ShapeError, match="unfold"):
        x.unfold(1, 4, 1)
    v = lucid.tensor(np.arange(5.0), requires_grad=True)
    v.unfold(0, 3, 1).sum().backward()  # overlapping windows add up
    np.testing.assert_array_equal(v.grad.numpy(), [1, 2, 3, 2, 1])
    p, q = lucid.broadcast_tensors(x, lucid.tensor([1.0, 2.0, 3.0, 4.0]))
    assert p.shape == q.shape == (2, 3, 4)
    np.testing.assert_array_equal(lucid.flip(x, dims=[1]).numpy(), a[:, ::-1])
    np.testing.assert_array_equal(lucid.tile(x, dims=(2,)).numpy(), np.tile(a, 2))


def test_transpose_both_spellings():
    x, a = _t((2, 3, 4))
    np.testing.assert_array_equal(lucid.transpose(x).numpy(), a.T)
    np.testing.assert_array_equal(lucid.transpose(x, (1, 0, 2)).numpy(), a.transpose(1, 0, 2))
    np.testing.assert_array_equal(lucid.transpose(x, 0, 2).numpy(), a.swapaxes(0, 2))
    np.testing.assert_array_equal(lucid.transpose(x, dim0=-1, dim1=1).numpy(), a.swapaxes(2, 1))
    np.testing.assert_array_equal(x.transpose(0, 1).numpy(), a.swapaxes(0, 1))


def test_t():
    x, a = _t((2, 3))
    np.testing.assert_array_equal(x.t().numpy(), a.T)
    np.testing.assert_array_equal(lucid.t(x[0]).numpy(), a[0])
    with pytest.raises(lucid.ShapeError, match="t: "):
        lucid.ones(1, 2, 3).t()


def test_keyword_spellings_and_contains():
    x, a = _t((4, 3))
    assert [p.shape for p in lucid.split(x, split_size_or_sections=3, dim=0)] == [(3, 3),
                                                                                  (1, 3)]
    np.testing.assert_array_equal(lucid.tile(x, reps=(1, 2)).numpy(), np.tile(a, (1, 2)))
    assert 5.0 in x and 100.0 not in x
