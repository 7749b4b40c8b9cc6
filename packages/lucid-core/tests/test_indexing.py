"""Indexing: x[index], x[index] = v, gather/scatter family; NumPy references, gradients
(repeated indices, second derivatives), PyTorch's int-before-array rule, errors."""

import numpy as np
import pytest

import lucid
from lucid.ops._index import canonical_index, result_shape


def _t(shape, requires_grad=False):
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    return lucid.tensor(a, requires_grad=requires_grad), a


# -- getitem: forward ----------------------------------------------------------------
BASIC = [
    0, -1, (1, 2), slice(None), slice(1, None), slice(None, None, -1), slice(-1, 0, -2),
    slice(3, 1), (Ellipsis, 0), (None, 1, Ellipsis, None), (slice(None), None, 2),
    (slice(None, None, 2), slice(1, 3), -3), (), Ellipsis, (0, Ellipsis, slice(None, -1)),
]
ADVANCED = [
    [0, 1, 1], ([1, 0], [2, 2]), (slice(None), [[0], [2]], [1, 3]), ([0, 1], slice(1, 3)),
    ([0, 1], None, [1, 2]), (slice(None), [1, 0], None, [0, 4]), (Ellipsis, [4, -5]),
    ([[1, 0], [0, 1]],), (slice(1, None), [2, 0, 2]), (np.array([], dtype=np.int64),),
    ([1], slice(None), [[0], [1]]),
]


@pytest.mark.parametrize("index", BASIC + ADVANCED, ids=repr)
def test_getitem_matches_numpy(index):
    x, a = _t((2, 3, 5))
    want = a[index]
    got = x[index]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)
    assert result_shape(a.shape, canonical_index(a.shape, index)) == want.shape


def test_random_indices_match_numpy():
    rng = np.random.default_rng(0)
    shape = (4, 3, 5, 2)
    _, a = _t(shape)
    x = lucid.tensor(a)
    for _ in range(300):
        index, d, length = [], 0, int(rng.integers(1, 4))
        while d < len(shape) and rng.random() < 0.8:
            kind = rng.integers(0, 4)
            n = shape[d]
            if kind == 0:
                index.append(slice(int(rng.integers(-n, n)), None, int(rng.choice([-2, 1, 3]))))
            elif kind == 1:
                index.append(rng.integers(-n, n, size=length).tolist())
            elif kind == 2:
                index.append(None)
                continue
            else:
                index.append(slice(None))
            d += 1
        index = tuple(index)
        np.testing.assert_array_equal(x[index].numpy(), a[index], err_msg=str(index))


def test_int_next_to_array_follows_pytorch():
    x, a = _t((2, 3, 4))
    # NumPy would give (2, 3); PyTorch selects with the int first -> (3, 2)
    assert x[0, :, [1, 2]].shape == (3, 2)
    np.testing.assert_array_equal(x[0, :, [1, 2]].numpy(), a[0][:, [1, 2]])
    np.testing.assert_array_equal(x[1, [0, 2], 3].numpy(), a[1, [0, 2], 3])
    np.testing.assert_array_equal(x[:, [0, 2], 1].numpy(), a[:, [0, 2], 1])


def test_index_tensors_and_scalars():
    x, a = _t((3, 4))
    np.testing.assert_array_equal(x[lucid.tensor([2, 0])].numpy(), a[[2, 0]])
    np.testing.assert_array_equal(x[lucid.tensor([2, 0], dtype=lucid.int32)].numpy(), a[[2, 0]])
    np.testing.assert_array_equal(x[lucid.tensor(1)].numpy(), a[1])
    np.testing.assert_array_equal(x[:, lucid.tensor(-1)].numpy(), a[:, -1])
    np.testing.assert_array_equal(x[np.int64(2)].numpy(), a[2])
    assert x[True].shape == (1, 3, 4)
    assert x[False].shape == (0, 3, 4)
    s = lucid.tensor(5.0)
    assert s[()].item() == 5.0 and s[None].shape == (1,)


def test_boolean_masks():
    x, a = _t((3, 4))
    m = a % 3 == 0
    np.testing.assert_array_equal(x[lucid.tensor(m)].numpy(), a[m])
    np.testing.assert_array_equal(x[x > 5].numpy(), a[a > 5])
    rows = np.array([True, False, True])
    np.testing.assert_array_equal(x[lucid.tensor(rows)].numpy(), a[rows])
    np.testing.assert_array_equal(x[:, [True, False, False, True]].numpy(), a[:, [0, 3]])
    assert x[x > 100].shape == (0,)
    y, b = _t((2, 3, 4))
    m2 = b[:, :, 0] > 4
    np.testing.assert_array_equal(y[lucid.tensor(m2)].numpy(), b[m2])
    assert y[lucid.tensor(m2)].shape == (int(m2.sum()), 4)


# -- getitem: gradients -------------------------------------------------------------
def test_repeated_indices_accumulate_gradient():
    x = lucid.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 0, 1])
    y = lucid.tensor(np.ones((3, 2)), requires_grad=True)
    (y[[1, 1], [0, 0]] * lucid.tensor([2.0, 5.0])).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[0, 0], [7, 0], [0, 0]])


def test_getitem_gradients_of_every_kind():
    x = lucid.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    (x[1:, ::-2] * 2).sum().backward()
    want = np.zeros((3, 4))
    want[1:, ::-2] = 2
    np.testing.assert_array_equal(x.grad.numpy(), want)
    x.grad = None
    x[x > 6].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (np.arange(12).reshape(3, 4) > 6) * 1.0)
    x.grad = None
    x[0, :, None][[1, 1]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0], [0, 2, 0, 0])


def test_second_derivative_through_getitem():
    x = lucid.tensor([1.0, -2.0, 3.0], dtype=lucid.float64, requires_grad=True)
    y = x[[0, 2, 2]]
    f = (y ** 3).sum()  # x0^3 + 2 x2^3
    (g,) = lucid.grad([f], [x], create_graph=True)
    np.testing.assert_allclose(g.numpy(), [3.0, 0.0, 2 * 3 * 9.0])
    (h,) = lucid.grad([(g * g).sum()], [x])  # d/dx sum(g^2) = 2 g g'
    np.testing.assert_allclose(h.numpy(), [2 * 3 * 6 * 1, 0.0, 2 * 54 * 12 * 3])


# -- getitem: errors ----------------------------------------------------------------
def test_bad_indices_raise_index_error_naming_op_index_and_shape():
    x, _ = _t((2, 3))
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\).*index 5 is out of bounds"):
        x[:, 5]
    with pytest.raises(IndexError, match=r"getitem.*-3.*size 2"):
        x[-3]
    with pytest.raises(IndexError, match=r"getitem.*\[0, 7\].*\(2, 3\)"):
        x[[0, 7]]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(IndexError, match="integer or bool"):
        x[lucid.tensor([0.5])]
    with pytest.raises(IndexError, match="cannot be broadcast"):
        x[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match=r"mask of shape \(3,\)"):
        x[lucid.tensor([True, False, True])]
    with pytest.raises(IndexError, match="unsupported"):
        x["a"]


# -- setitem ------------------------------------------------------------------------
def test_setitem_values_and_broadcasting():
    x, a = _t((3, 4))
    x[0] = 7
    a[0] = 7
    x[1:, [0, 2]] = lucid.tensor([[1.0], [2.0]])
    a[1:, [0, 2]] = [[1.0], [2.0]]
    x[x > 10] = -1.0
    a[a > 10] = -1.0
    x[..., -1] = lucid.tensor([[5.0, 6.0, 7.0]])  # a leading size-1 dim is dropped
    a[..., -1] = [5.0, 6.0, 7.0]
    np.testing.assert_array_equal(x.numpy(), a)
    i = lucid.tensor([1, 2, 3])
    i[0] = 2.9  # cast to the tensor's dtype
    assert i.dtype == lucid.int64 and i.tolist() == [2, 2, 3]
    y, b = _t((2, 3, 4))
    y[1, :, [0, 3]] = lucid.tensor([[1.0, 2.0]] * 3)  # PyTorch layout: (3, 2)
    b[1][:, [0, 3]] = [[1.0, 2.0]] * 3
    np.testing.assert_array_equal(y.numpy(), b)
    with pytest.raises(lucid.ShapeError, match=r"setitem.*\(3,\).*\(4,\)"):
        x[0] = lucid.tensor([1.0, 2.0, 3.0])
    with pytest.raises(IndexError, match=r"setitem.*\(3, 4\)"):
        x[5] = 0


def test_setitem_gradients():
    x = lucid.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = lucid.tensor(10.0, requires_grad=True)
    y = x * 2
    y[1:3] = v * 3
    (y * lucid.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2, 0, 0, 8])  # zero where overwritten
    assert v.grad.item() == 15.0  # 3 * (2 + 3), summed over the broadcast
    z = lucid.zeros(3)
    w = lucid.tensor([1.0, 2.0], requires_grad=True)
    z[[0, 2]] = w
    assert z.requires_grad and not z.is_leaf
    (z * lucid.tensor([5.0, 6.0, 7.0])).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5, 7])


def test_setitem_on_leaf_requiring_grad():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        x[0] = 5.0
    np.testing.assert_array_equal(x.numpy(), [1, 2])
    with lucid.no_grad():
        x[0] = 5.0
    np.testing.assert_array_equal(x.numpy(), [5, 2])
    assert x.is_leaf and x.requires_grad


def test_index_put_accumulate():
    x = lucid.zeros(4, dtype=lucid.float64, requires_grad=True)
    v = lucid.tensor([1.0, 2.0, 3.0], dtype=lucid.float64, requires_grad=True)
    y = lucid.index_put(x, lucid.tensor([0, 3, 0]), v, accumulate=True)
    np.testing.assert_array_equal(y.numpy(), [4, 0, 0, 2])
    (y * lucid.tensor([1.0, 2.0, 3.0, 4.0], dtype=lucid.float64)).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [1, 4, 1])
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3, 4])


# -- gather / scatter family --------------------------------------------------------
def test_gather_and_take_along_axis():
    x, a = _t((3, 4))
    idx = np.array([[0, 3], [1, 1], [2, 0]])
    np.testing.assert_array_equal(lucid.gather(x, 1, lucid.tensor(idx)).numpy(),
                                  np.take_along_axis(a, idx, 1))
    np.testing.assert_array_equal(x.gather(0, lucid.tensor([[2, 0, 1, 1]])).numpy(),
                                  np.take_along_axis(a, np.array([[2, 0, 1, 1]]), 0))
    small = x.gather(1, lucid.tensor([[1], [0]]))  # index smaller than x off dim
    np.testing.assert_array_equal(small.numpy(), [[1], [4]])
    np.testing.assert_array_equal(x.gather(-1, lucid.tensor([[-1]])).numpy(), [[3]])
    np.testing.assert_array_equal(
        lucid.take_along_axis(x, lucid.tensor([[1, 0]]), 1).numpy(),
        np.take_along_axis(a, np.array([[1, 0]]), 1))  # broadcast against x
    np.testing.assert_array_equal(lucid.take_along_axis(x, lucid.tensor([11, 0]), None).numpy(),
                                  [11, 0])
    np.testing.assert_array_equal(x.take_along_dim(lucid.tensor([[0], [3], [1]]), 1).numpy(),
                                  [[0], [7], [9]])
    with pytest.raises(IndexError, match=r"gather.*index 4.*dim 1 of size 4"):
        x.gather(1, lucid.tensor([[4]]))
    with pytest.raises(lucid.ShapeError, match="gather"):
        x.gather(1, lucid.tensor([0]))
    with pytest.raises(lucid.DTypeError, match="gather"):
        x.gather(1, lucid.tensor([[0.0]]))


def test_gather_gradient_accumulates():
    x = lucid.tensor(np.ones((2, 3)), requires_grad=True)
    x.gather(1, lucid.tensor([[0, 0, 2], [1, 1, 1]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2, 0, 1], [0, 3, 0]])


def test_scatter_and_scatter_add():
    x = lucid.zeros(3, 4, dtype=lucid.float64)
    idx = lucid.tensor([[1, 3], [0, 0], [2, 2]])
    src = lucid.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=lucid.float64)
    np.testing.assert_array_equal(lucid.scatter_add(x, 1, idx, src).numpy(),
                                  [[0, 1, 0, 2], [7, 0, 0, 0], [0, 0, 11, 0]])
    out = x.scatter(1, lucid.tensor([[1, 3], [0, 2], [2, 1]]), src)
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 0, 2], [3, 0, 4, 0], [0, 6, 5, 0]])
    np.testing.assert_array_equal(x.scatter(0, lucid.tensor([[2]]), 9.0).numpy()[2, 0], 9.0)
    big = lucid.tensor(np.arange(12.0).reshape(3, 4), dtype=lucid.float64)
    np.testing.assert_array_equal(  # only src[:index.shape] is read
        x.scatter(1, lucid.tensor([[3]]), big).numpy()[0], [0, 0, 0, 0.0])
    y = lucid.zeros(2, 2)
    y.scatter_(0, lucid.tensor([[1, 0]]), lucid.tensor([[5.0, 6.0]]))
    y.scatter_add_(0, lucid.tensor([[1, 1]]), lucid.tensor([[1.0, 1.0]]))
    np.testing.assert_array_equal(y.numpy(), [[0, 6], [6, 1]])


def test_scatter_gradients():
    x = lucid.tensor(np.ones((2, 3)), dtype=lucid.float64, requires_grad=True)
    src = lucid.tensor([[2.0, 3.0]], dtype=lucid.float64, requires_grad=True)
    idx = lucid.tensor([[1, 0]])
    w = lucid.tensor(np.arange(6.0).reshape(2, 3), dtype=lucid.float64)
    (x.scatter(0, idx, src) * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 2], [0, 4, 5]])
    np.testing.assert_array_equal(src.grad.numpy(), [[3, 1]])
    x.grad = src.grad = None
    (x.scatter_add(0, idx, src) * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy())
    np.testing.assert_array_equal(src.grad.numpy(), [[3, 1]])


def test_index_select_take_masked_select_index_add():
    x, a = _t((3, 4))
    np.testing.assert_array_equal(x.index_select(0, lucid.tensor([2, 2, 0])).numpy(),
                                  a[[2, 2, 0]])
    np.testing.assert_array_equal(lucid.index_select(x, -1, [1]).numpy(), a[:, [1]])
    np.testing.assert_array_equal(lucid.take(x, lucid.tensor([[11, 0]])).numpy(), [[11, 0]])
    np.testing.assert_array_equal(lucid.take(x, lucid.tensor([1, 0]), axis=1).numpy(),
                                  np.take(a, [1, 0], axis=1))
    np.testing.assert_array_equal(
        lucid.masked_select(x, lucid.tensor([True, False, False, True])).numpy(),
        a[:, [0, 3]].reshape(-1))
    out = lucid.index_add(x, 0, lucid.tensor([0, 0]), lucid.ones(2, 4, dtype=lucid.float64),
                          alpha=2)
    np.testing.assert_array_equal(out.numpy()[0], a[0] + 4)
    with pytest.raises(IndexError, match=r"index_select.*index 3.*size 3"):
        x.index_select(0, lucid.tensor([3]))
    with pytest.raises(IndexError, match="take.*12"):
        lucid.take(x, lucid.tensor([12]))


def test_nonzero_argwhere():
    x = lucid.tensor([[0.0, 1.0], [2.0, 0.0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]]
    assert x.nonzero().dtype == lucid.int64
    rows, cols = lucid.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert lucid.argwhere(x).tolist() == [[0, 1], [1, 0]]
    assert lucid.zeros(3).nonzero().shape == (0, 1)


def test_index_put_methods():
    x = lucid.zeros(3)
    x.index_put_((lucid.tensor([0, 0, 2]),), lucid.tensor(1.0), accumulate=True)
    np.testing.assert_array_equal(x.numpy(), [2, 0, 1])
    y = x.index_put((lucid.tensor([1]),), lucid.tensor([5.0]))
    np.testing.assert_array_equal(y.numpy(), [2, 5, 1])
    np.testing.assert_array_equal(x.numpy(), [2, 0, 1])


def _hessian_vector_check(f, shape, seed=0):
    """``H v`` of ``L(x) = sum(w * f(x)^3)`` by double backward equals finite differences
    of the first gradient."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    v = rng.standard_normal(shape)
    out_shape = f(lucid.tensor(a, dtype=lucid.float64)).shape
    w = lucid.tensor(rng.standard_normal(out_shape), dtype=lucid.float64)

    def gradient(values, create_graph=False):
        x = lucid.tensor(values, dtype=lucid.float64, requires_grad=True)
        (g,) = lucid.grad([(w * f(x) ** 3).sum()], [x], create_graph=create_graph)
        return x, g

    x, g = gradient(a, create_graph=True)
    (hv,) = lucid.grad([(g * lucid.tensor(v, dtype=lucid.float64)).sum()], [x])
    eps = 1e-6
    numeric = (gradient(a + eps * v)[1].numpy() - gradient(a - eps * v)[1].numpy()) / (2 * eps)
    np.testing.assert_allclose(hv.numpy(), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,f,shape", [
    ("getitem-advanced", lambda x: x[[0, 2, 2], 1:], (3, 4)),
    ("getitem-mask", lambda x: x[lucid.tensor([True, False, True])], (3, 2)),
    ("setitem", lambda x: lucid.index_put(x * 2, (slice(None), [0, 2]), x[:, 1:2] * x[:, 3:]),
     (2, 4)),
    ("gather", lambda x: x.gather(1, lucid.tensor([[0, 0, 3], [2, 1, 1]])), (2, 4)),
    ("scatter-add", lambda x: lucid.scatter_add(x, 1, lucid.tensor([[0, 0]]), x[:, :2] * 3),
     (1, 3)),
    ("scatter", lambda x: lucid.scatter(x, 0, lucid.tensor([[1, 0]]), x[:1] * x[1:]), (2, 2)),
    ("pad-reflect", lambda x: lucid.pad(x, ((1, 2), (2, 1)), mode="reflect"), (3, 3)),
    ("split", lambda x: x.split([1, 2], dim=1)[1] * x.split([2, 1], dim=1)[0], (2, 3)),
    ("roll-tril", lambda x: lucid.tril(lucid.roll(x, 1, 0)), (3, 3)),
])
def test_second_derivatives(name, f, shape):
    _hessian_vector_check(f, shape)


# -- write-through views ------------------------------------------------------------
def test_writes_into_views_reach_the_base():
    x, a = _t((3, 4))
    x[0][1] = 50.0
    a[0][1] = 50.0
    x[:, 0].zero_()
    a[:, 0] = 0
    x.view(-1)[5] = -1.0
    a.reshape(-1)[5] = -1.0
    x.t()[3, 2] = 7.0
    a.T[3, 2] = 7.0
    x.narrow(1, 2, 2).fill_(3.0)
    a[:, 2:4] = 3.0
    first, second = x.chunk(2, dim=1)
    second.mul_(2.0)
    a[:, 2:] *= 2.0
    x.unbind(0)[1].add_(1.0)
    a[1] += 1.0
    x[1:][0][::2] = 9.0  # a chain of views
    a[1:][0][::2] = 9.0
    np.testing.assert_array_equal(x.numpy(), a)
    y, b = _t((3, 3))
    y.diagonal().fill_(-5.0)
    np.fill_diagonal(b, -5.0)
    y.select(0, 2).zero_()
    b[2] = 0
    np.testing.assert_array_equal(y.numpy(), b)


def test_copies_are_not_views():
    x, a = _t((3, 4))
    x[[0, 1]][0] = 100.0  # advanced index: a copy, as in PyTorch
    x.flip(0)[0] = 100.0  # flip copies in PyTorch too
    lucid.pad(x, 1)[1, 1] = 100.0
    np.testing.assert_array_equal(x.numpy(), a)


def test_view_writes_are_differentiable():
    w = lucid.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = lucid.tensor(10.0, requires_grad=True)
    y = w * 1.0
    y.view(2, 2)[1][0] = v * v  # writes y[2]
    (y * lucid.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [1, 2, 0, 4])
    assert v.grad.item() == 3 * 2 * 10.0


def test_views_of_leaves_requiring_grad():
    w = lucid.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    row = w[0]
    with pytest.raises(RuntimeError, match="view of a leaf"):
        row[1] = 0.0
    with pytest.raises(RuntimeError, match="view of a leaf"):
        w.view(-1).zero_()
    np.testing.assert_array_equal(w.numpy(), [[1, 2], [3, 4]])  # nothing changed
    with lucid.no_grad():
        w[1].fill_(0.0)
        w.t()[0, 0] = 9.0
    np.testing.assert_array_equal(w.numpy(), [[9, 2], [0, 0]])
    assert w.is_leaf and w.requires_grad


def test_setitem_with_lists_and_arrays():
    x, a = _t((2, 3))
    x[0] = [7, 8, 9]
    x[1, 1:] = np.array([1.5, 2.5])
    a[0] = [7, 8, 9]
    a[1, 1:] = [1.5, 2.5]
    np.testing.assert_array_equal(x.numpy(), a)


def test_index_copy_index_fill():
    x, a = _t((3, 4))
    out = x.index_copy(1, lucid.tensor([3, 0]), lucid.ones(3, 2, dtype=lucid.float64))
    b = a.copy()
    b[:, [3, 0]] = 1
    np.testing.assert_array_equal(out.numpy(), b)
    x.index_fill_(0, lucid.tensor([1]), -2.0)
    a[1] = -2
    np.testing.assert_array_equal(x.numpy(), a)
