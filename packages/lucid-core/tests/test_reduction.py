"""Reductions: both spelling conventions, hand-computed values, gradients, errors."""

import math

import numpy as np
import pytest
from hvp_helpers import hvp_check

import lucid

X = [[1.0, 5.0, 5.0], [3.0, 2.0, 0.0]]


def _x(**kw):
    return lucid.tensor(X, **kw)


def test_var_std_conventions():
    x = _x(dtype=lucid.float64)
    a = np.array(X)
    # NumPy spelling: population variance
    np.testing.assert_allclose(lucid.var(x).numpy(), a.var())
    np.testing.assert_allclose(lucid.var(x, 1).numpy(), a.var(1))
    np.testing.assert_allclose(lucid.var(x, axis=1).numpy(), a.var(1))
    np.testing.assert_allclose(x.var(axis=1).numpy(), a.var(1))
    np.testing.assert_allclose(lucid.std(x, axis=0, keepdims=True).numpy(),
                               a.std(0, keepdims=True))
    # PyTorch spelling: unbiased
    np.testing.assert_allclose(x.var().numpy(), a.var(ddof=1))
    np.testing.assert_allclose(x.var(1).numpy(), a.var(1, ddof=1))
    np.testing.assert_allclose(x.var(dim=1, keepdim=True).numpy(), a.var(1, ddof=1,
                                                                          keepdims=True))
    np.testing.assert_allclose(lucid.var(x, dim=1).numpy(), a.var(1, ddof=1))
    np.testing.assert_allclose(x.std(0).numpy(), a.std(0, ddof=1))
    # explicit
    np.testing.assert_allclose(x.var(1, unbiased=False).numpy(), a.var(1))
    np.testing.assert_allclose(x.var(1, correction=0).numpy(), a.var(1))
    np.testing.assert_allclose(x.var(False).numpy(), a.var())
    np.testing.assert_allclose(lucid.var(x, axis=1, ddof=1).numpy(), a.var(1, ddof=1))
    with pytest.raises(ValueError, match="var"):
        lucid.var(x, ddof=1, correction=1)
    assert lucid.var(lucid.tensor([1, 2, 3])).dtype == lucid.float32
    v, m = lucid.var_mean(x, dim=1)
    np.testing.assert_allclose(v.numpy(), a.var(1, ddof=1))
    np.testing.assert_allclose(m.numpy(), a.mean(1))


def test_var_gradient_and_second_derivative():
    x = lucid.tensor([1.0, 2.0, 4.0], dtype=lucid.float64, requires_grad=True)
    (g,) = lucid.grad([x.var()], [x], create_graph=True)
    np.testing.assert_allclose(g.numpy(), 2 * (np.array([1, 2, 4]) - 7 / 3) / 2)
    (h,) = lucid.grad([(g * g).sum()], [x])
    # g = (x - mean) (n-1 = 2); d/dx sum g^2 = 2 (I - 1/3) g
    gg = np.array([1, 2, 4]) - 7 / 3
    np.testing.assert_allclose(h.numpy(), 2 * (gg - gg.mean()))


def test_max_min_conventions():
    x = _x()
    np.testing.assert_array_equal(lucid.max(x, axis=1).numpy(), [5, 3])
    np.testing.assert_array_equal(lucid.max(x, 1).numpy(), [5, 3])
    np.testing.assert_array_equal(lucid.min(x, axis=0, keepdims=True).numpy(), [[1, 2, 0]])
    assert x.max().item() == 5 and x.min().item() == 0 and x.max().shape == ()
    values, indices = x.max(1)
    np.testing.assert_array_equal(values.numpy(), [5, 3])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    assert indices.dtype == lucid.int64 and not indices.requires_grad
    r = x.min(dim=1, keepdim=True)
    np.testing.assert_array_equal(r.values.numpy(), [[1], [0]])
    np.testing.assert_array_equal(r.indices.numpy(), [[0], [2]])
    r = lucid.max(x, dim=0)
    np.testing.assert_array_equal(r.indices.numpy(), [1, 0, 0])
    np.testing.assert_array_equal(x.max(axis=1).numpy(), [5, 3])  # NumPy spelling: values
    np.testing.assert_array_equal(lucid.amax(x, (0, 1)).numpy(), 5)
    np.testing.assert_array_equal(x.amin(dim=1).numpy(), [1, 0])
    np.testing.assert_array_equal(lucid.max(x, lucid.tensor(2.5)).numpy(), [[2.5, 5, 5],
                                                                            [3, 2.5, 2.5]])
    np.testing.assert_array_equal(x.min(lucid.tensor([2.0, 2.0, 2.0])).numpy(),
                                  [[1, 2, 2], [2, 2, 0]])


def test_max_gradients_ties():
    x = _x(requires_grad=True)
    x.max().backward()  # two tied maxima: split evenly
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [0, 0, 0]])
    x.grad = None
    x.max(dim=1).values.sum().backward()  # with dim: to the index only
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])
    x.grad = None
    lucid.amax(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [1, 0, 0]])
    x.grad = None
    x.min(0, keepdim=True)[0].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 0], [0, 1, 1]])


def test_argmax_argmin():
    x = _x()
    assert lucid.argmax(x).item() == 1  # first of the tied maxima, flattened
    np.testing.assert_array_equal(x.argmax(1).numpy(), [1, 0])
    np.testing.assert_array_equal(x.argmin(dim=0, keepdim=True).numpy(), [[0, 1, 1]])
    np.testing.assert_array_equal(lucid.argmin(x, axis=1, keepdims=True).numpy(), [[0], [2]])
    assert x.argmax(1).dtype == lucid.int64


def test_bad_axis_names_the_op():
    x = _x()
    for fn, name in ((lucid.var, "var"), (lucid.amax, "amax"), (lucid.argmax, "argmax"),
                     (lucid.prod, "prod"), (lucid.cumsum, "cumsum"), (lucid.any, "any"),
                     (lucid.logsumexp, "logsumexp")):
        with pytest.raises(lucid.ShapeError, match=name):
            fn(x, 2)
    with pytest.raises(lucid.ShapeError, match="max"):
        x.max(dim=5)
    with pytest.raises(ValueError, match="amax"):
        lucid.amax(lucid.zeros(0))


def test_prod_values_and_gradient_with_zeros():
    x = lucid.tensor([[2.0, 3.0, 4.0], [2.0, 0.0, 5.0], [0.0, 3.0, 0.0]], requires_grad=True)
    y = x.prod(dim=1)
    np.testing.assert_array_equal(y.numpy(), [24, 0, 0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[12, 8, 6], [0, 10, 0], [0, 0, 0]])
    assert lucid.prod(lucid.tensor([2, 3])).item() == 6
    assert lucid.prod(lucid.tensor([2, 3])).dtype == lucid.int64
    np.testing.assert_array_equal(lucid.prod(x.detach(), axis=0, keepdims=True).numpy(),
                                  [[0, 0, 0]])


def test_prod_second_derivative():
    x = lucid.tensor([2.0, 3.0, 5.0], dtype=lucid.float64, requires_grad=True)
    (g,) = lucid.grad([x.prod()], [x], create_graph=True)
    np.testing.assert_allclose(g.numpy(), [15, 10, 6])
    pick_first = lucid.tensor([1.0, 0.0, 0.0], dtype=lucid.float64)
    (h,) = lucid.grad([(g * pick_first).sum()], [x])  # d/dx (x1 x2)
    np.testing.assert_allclose(h.numpy(), [0, 5, 3])


def test_cumsum_cumprod():
    x = lucid.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    np.testing.assert_array_equal(lucid.cumsum(x, axis=1).numpy(), [[1, 3, 6], [4, 9, 15]])
    np.testing.assert_array_equal(x.cumsum(0).numpy(), [[1, 2, 3], [5, 7, 9]])
    np.testing.assert_array_equal(lucid.cumsum(x).numpy(), [1, 3, 6, 10, 15, 21])
    np.testing.assert_array_equal(x.cumprod(dim=1).numpy(), [[1, 2, 6], [4, 20, 120]])
    assert lucid.cumsum(lucid.tensor([True, True])).tolist() == [1, 2]
    x.cumsum(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[3, 2, 1], [3, 2, 1]])
    x.grad = None
    x.cumprod(1).sum().backward()
    # d/dx of x0 + x0 x1 + x0 x1 x2
    np.testing.assert_allclose(x.grad.numpy(), [[1 + 2 + 6, 1 + 3, 2], [1 + 5 + 30, 4 + 24,
                                                                          20]])


def test_logsumexp_is_stable():
    x = lucid.tensor([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype=lucid.float64,
                     requires_grad=True)
    y = lucid.logsumexp(x, dim=1)
    np.testing.assert_allclose(y.numpy(), [1000 + math.log(2), -1000 + math.log(2)])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.5, 0.5], [0.5, 0.5]])
    assert lucid.logsumexp(lucid.tensor([-math.inf, -math.inf])).item() == -math.inf
    np.testing.assert_allclose(x.detach().logsumexp(1, keepdim=True).numpy(),
                               [[1000 + math.log(2)], [-1000 + math.log(2)]])


def test_any_all_count_nonzero():
    x = lucid.tensor([[0, 1, 2], [0, 0, 0]])
    assert lucid.any(x).item() and not lucid.all(x).item()
    assert x.any(1).tolist() == [True, False]
    assert x.all(dim=0, keepdim=True).tolist() == [[False, False, False]]
    assert lucid.count_nonzero(x).item() == 2
    assert x.count_nonzero(dim=1).tolist() == [2, 0]
    assert lucid.count_nonzero(x, axis=1).dtype == lucid.int64


def test_mean_and_sum_spellings_agree():
    x = _x()
    assert lucid.sum(x, axis=1, keepdims=True).shape == (2, 1)
    assert x.sum(dim=1, keepdim=True).shape == (2, 1)
    np.testing.assert_allclose(x.mean(1).numpy(), [11 / 3, 5 / 3])
    np.testing.assert_allclose(lucid.mean(x, axis=(0, 1)).numpy(), 16 / 6)


def hessian_vector_matches_fd(fn, x_np, seed=0, rtol=1e-5, atol=1e-7):
    """``v^T H`` from double backward equals central differences of the gradient."""
    hvp_check(fn, x_np, np.random.default_rng(seed), weighted=True, eps=1e-6, rtol=rtol,
              atol=atol)


_DISTINCT = np.array([[0.3, -0.7, 0.55, 1.2], [-0.25, 0.8, 0.45, -1.1], [0.9, 0.1, -0.4, 0.6]])


@pytest.mark.parametrize("fn", [
    lambda x: lucid.var(x, axis=1), lambda x: x.var(0, keepdim=True), lambda x: x.std(1),
    lambda x: lucid.prod(x, axis=1), lambda x: x.prod(), lambda x: lucid.logsumexp(x, dim=1),
    lambda x: lucid.amax(x, axis=1) ** 2, lambda x: x.min(0).values ** 2,
    lambda x: x.max() ** 3, lambda x: lucid.cumsum(x, axis=1) ** 2,
    lambda x: lucid.cumprod(x + 2, dim=0), lambda x: lucid.mean(x * x, axis=0) ** 2,
    lambda x: lucid.sum(x ** 3, axis=(0, 1)),
], ids=lambda f: "fn")
def test_reduction_hessian_vector_products(fn):
    hessian_vector_matches_fd(fn, _DISTINCT)


def test_cumprod_gradient_with_zeros():
    x = lucid.tensor([2.0, 0.0, 3.0, 0.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    # y = [x0, x0 x1, x0 x1 x2, x0 x1 x2 x3]
    # dx0 = 1 + x1 + x1 x2 + ... = 1; dx1 = x0 + x0 x2 + x0 x2 x3 = 2 + 6 = 8;
    # dx2 = x0 x1 + x0 x1 x3 = 0; dx3 = x0 x1 x2 = 0
    np.testing.assert_array_equal(x.grad.numpy(), [1, 8, 0, 0])


def test_zero_dim_reductions_accept_axis_zero():
    x = lucid.tensor(3.0, requires_grad=True)
    assert x.sum(0).item() == 3 and lucid.amax(x, 0).item() == 3
    values, indices = x.max(0)
    assert values.item() == 3 and indices.item() == 0 and values.shape == ()
    values.backward()
    assert x.grad.item() == 1
    assert x.argmax(0).item() == 0 and x.cumsum(0).shape == ()
