"""Indexing and shape functions against PyTorch itself: values, shapes and gradients."""

import numpy as np
import pytest
import torch

import lucid

SHAPE = (4, 3, 5, 2)


def _pair(shape=SHAPE, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    x = lucid.tensor(a, dtype=lucid.float64, requires_grad=True)
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    return x, t


def _random_index(rng, shape):
    """Ints, slices, None, Ellipsis, equal-length lists and masks, in any mix."""
    index, d, length = [], 0, int(rng.integers(1, 4))
    ellipsis = False
    while d < len(shape) and rng.random() < 0.85:
        kind = int(rng.integers(0, 6))
        n = shape[d]
        if kind == 0:
            index.append(int(rng.integers(-n, n)))
        elif kind == 1:
            step = int(rng.choice([1, 2]))  # PyTorch has no negative steps
            index.append(slice(int(rng.integers(-n, n)), None, step))
        elif kind == 2:
            index.append(rng.integers(-n, n, size=length).tolist())
        elif kind == 3:
            index.append(None)
            continue
        elif kind == 4 and not ellipsis:
            index.append(Ellipsis)
            ellipsis = True
            d = len(shape) - sum(1 for e in index if e is not None and e is not Ellipsis)
            continue
        else:
            index.append(slice(None))
        d += 1
    return tuple(index)


def _torch_index(index):
    return tuple(torch.tensor(e) if isinstance(e, list) else e for e in index)


def test_getitem_and_gradient_match_torch():
    rng = np.random.default_rng(1)
    x, t = _pair()
    for _ in range(400):
        index = _random_index(rng, SHAPE)
        try:
            want = t[_torch_index(index)]
        except (IndexError, RuntimeError):
            with pytest.raises(IndexError):
                x[index]
            continue
        got = x[index]
        assert got.shape == tuple(want.shape), index
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        w = rng.standard_normal(got.shape)
        (gx,) = lucid.grad([got], [x], grad_outputs=[lucid.tensor(w)])
        (gt,) = torch.autograd.grad([want], [t], grad_outputs=[torch.tensor(w)])
        np.testing.assert_allclose(gx.numpy(), gt.numpy(), err_msg=str(index))


def test_setitem_matches_torch():
    rng = np.random.default_rng(2)
    for _ in range(200):
        index = _random_index(rng, SHAPE)
        a = rng.standard_normal(SHAPE)
        t = torch.tensor(a)
        try:
            shape = t[_torch_index(index)].shape
        except (IndexError, RuntimeError):
            continue
        v = rng.standard_normal(shape)
        t[_torch_index(index)] = torch.tensor(v)
        x = lucid.tensor(a)
        x[index] = lucid.tensor(v)
        np.testing.assert_array_equal(x.numpy(), t.numpy(), err_msg=str(index))


def test_boolean_mask_matches_torch():
    x, t = _pair((3, 4, 2))
    m = x.detach().numpy()[..., 0] > 0
    got, want = x[lucid.tensor(m)], t[torch.tensor(m)]
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_split_chunk_unbind_match_torch():
    x, t = _pair((7, 4))
    for size in (1, 2, 3, 7, 9):
        assert [p.shape for p in x.split(size)] == [tuple(p.shape) for p in t.split(size)]
    for chunks in (1, 2, 3, 4, 5, 6, 7, 8):
        assert [p.shape for p in x.chunk(chunks)] == [tuple(p.shape) for p in t.chunk(chunks)]
        assert [p.shape for p in x.chunk(chunks, 1)] == [tuple(p.shape)
                                                         for p in t.chunk(chunks, 1)]
    assert [p.shape for p in x.split([2, 5])] == [tuple(p.shape) for p in t.split([2, 5])]
    assert len(x.unbind(1)) == len(t.unbind(1))
    assert [p.shape for p in x.tensor_split(3)] == [tuple(p.shape) for p in t.tensor_split(3)]


@pytest.mark.parametrize("torch_mode,lucid_mode", [("reflect", "reflect"),
                                                   ("replicate", "replicate"),
                                                   ("circular", "circular"),
                                                   ("constant", "constant")])
def test_pad_matches_torch_functional_pad(torch_mode, lucid_mode):
    x, t = _pair((2, 3, 4, 5))
    want = torch.nn.functional.pad(t, (2, 1, 3, 0), mode=torch_mode)
    got = lucid.pad(x, ((0, 0), (0, 0), (3, 0), (2, 1)), mode=lucid_mode)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy())
    w = np.random.default_rng(0).standard_normal(got.shape)
    (gx,) = lucid.grad([got], [x], grad_outputs=[lucid.tensor(w)])
    (gt,) = torch.autograd.grad([want], [t], grad_outputs=[torch.tensor(w)])
    np.testing.assert_allclose(gx.numpy(), gt.numpy())


def test_gather_scatter_match_torch():
    rng = np.random.default_rng(3)
    x, t = _pair((3, 5))
    idx = rng.integers(0, 5, (3, 4))
    np.testing.assert_array_equal(x.gather(1, lucid.tensor(idx)).detach().numpy(),
                                  t.gather(1, torch.tensor(idx)).detach().numpy())
    src = rng.standard_normal((3, 4))
    np.testing.assert_allclose(
        x.scatter_add(1, lucid.tensor(idx), lucid.tensor(src)).detach().numpy(),
        t.scatter_add(1, torch.tensor(idx), torch.tensor(src)).detach().numpy())
    uniq = np.argsort(rng.standard_normal((3, 5)), axis=1)[:, :4]
    np.testing.assert_allclose(
        x.scatter(1, lucid.tensor(uniq), lucid.tensor(src)).detach().numpy(),
        t.scatter(1, torch.tensor(uniq), torch.tensor(src)).detach().numpy())


def test_misc_shape_functions_match_torch():
    x, t = _pair((2, 3, 4))
    pairs = [
        (lucid.tril(x, -1), torch.tril(t, -1)), (x.triu(1), t.triu(1)),
        (lucid.diagonal(x, 1, 2, 0), torch.diagonal(t, 1, 2, 0)),
        (lucid.roll(x, (1, -2), (0, 2)), torch.roll(t, (1, -2), (0, 2))),
        (lucid.roll(x, 3), torch.roll(t, 3)), (x.flip(0, 2), t.flip(0, 2)),
        (x.repeat(2, 1, 3), t.repeat(2, 1, 3)), (lucid.tile(x, (2,)), torch.tile(t, (2,))),
        (x.repeat_interleave(2, dim=1), t.repeat_interleave(2, dim=1)),
        (lucid.movedim(x, (0, 1), (2, 0)), torch.movedim(t, (0, 1), (2, 0))),
        (x.narrow(2, 1, 2), t.narrow(2, 1, 2)), (x.flatten(1), t.flatten(1)),
        (x.unsqueeze(-2), t.unsqueeze(-2)), (lucid.diag(x[0]), torch.diag(t[0])),
        (lucid.diag(x[0, 0], 1), torch.diag(t[0, 0], 1)),
        (lucid.stack([x, x], -1), torch.stack([t, t], -1)),
        (lucid.hstack([x, x]), torch.hstack([t, t])), (lucid.vstack([x, x]), torch.vstack([t, t])),
    ]
    for got, want in pairs:
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy())
    ga = [lucid.tensor([1.0, 2.0]), lucid.tensor([3.0, 4.0, 5.0])]
    gt = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0, 5.0])]
    for indexing in ("ij", "xy"):
        for a, b in zip(lucid.meshgrid(*ga, indexing=indexing),
                        torch.meshgrid(*gt, indexing=indexing)):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
