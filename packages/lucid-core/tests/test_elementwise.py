"""Elementwise math: hand-computed values, dtype rules, edge cases, second derivatives."""

import math

import numpy as np
import pytest
from hvp_helpers import hvp_check

import lucid


def _t(values, **kw):
    return lucid.tensor(values, **kw)


def test_hand_computed_values():
    x = _t([1.0, 4.0, 16.0])
    np.testing.assert_allclose(lucid.sqrt(x).numpy(), [1, 2, 4])
    np.testing.assert_allclose(lucid.rsqrt(x).numpy(), [1, 0.5, 0.25])
    np.testing.assert_allclose(lucid.log2(x).numpy(), [0, 2, 4])
    np.testing.assert_allclose(lucid.log10(_t([1.0, 10.0, 1000.0])).numpy(), [0, 1, 3])
    np.testing.assert_allclose(x.square().numpy(), [1, 16, 256])
    np.testing.assert_allclose(lucid.cube(_t([-2.0, 3.0])).numpy(), [-8, 27])
    np.testing.assert_allclose(x.reciprocal().numpy(), [1, 0.25, 0.0625])
    np.testing.assert_allclose(lucid.sign(_t([-3.0, 0.0, 2.0])).numpy(), [-1, 0, 1])
    np.testing.assert_allclose(abs(_t([-3.0, 2.0])).numpy(), [3, 2])
    np.testing.assert_allclose(lucid.arctan2(_t([1.0, -1.0]), _t([0.0, 0.0])).numpy(),
                               [math.pi / 2, -math.pi / 2])
    np.testing.assert_allclose(lucid.atan2(_t([1.0]), _t([-1.0])).numpy(), [3 * math.pi / 4])


def test_log1p_expm1_are_accurate_for_tiny_inputs():
    x = _t([1e-10], dtype=lucid.float64)
    # series: log1p(x) = x - x^2/2 + ..., expm1(x) = x + x^2/2 + ...
    np.testing.assert_allclose(lucid.log1p(x).numpy(), [1e-10 - 5e-21], rtol=1e-14)
    np.testing.assert_allclose(lucid.expm1(x).numpy(), [1e-10 + 5e-21], rtol=1e-14)


def test_int_input_to_float_only_ops_gives_float32():
    for fn in (lucid.sqrt, lucid.exp, lucid.log, lucid.sin, lucid.tanh, lucid.sigmoid,
               lucid.erf, lucid.reciprocal, lucid.log1p):
        assert fn(_t([1, 2, 3])).dtype == lucid.float32, fn.__name__
    np.testing.assert_allclose(lucid.sqrt(_t([4, 9])).numpy(), [2, 3])


def test_dtype_preserving_ops_keep_ints():
    x = _t([-3, 0, 5])
    for fn in (lucid.abs, lucid.sign, lucid.floor, lucid.ceil, lucid.round, lucid.trunc,
               lucid.square):
        assert fn(x).dtype == lucid.int64, fn.__name__
    assert lucid.clamp(x, 0, 2).tolist() == [0, 0, 2]
    assert lucid.clamp(x, 0, 2).dtype == lucid.int64
    assert lucid.clamp(x, min=0.5).dtype == lucid.float32  # promotion by a float bound
    assert lucid.sqrt(_t([4.0], dtype=lucid.float64)).dtype == lucid.float64


def test_round_half_to_even_and_decimals():
    x = _t([0.5, 1.5, 2.5, -0.5, -1.5, 2.6], dtype=lucid.float64)
    np.testing.assert_array_equal(lucid.round(x).numpy(), [0, 2, 2, -0, -2, 3])
    np.testing.assert_allclose(_t([1.2345, -2.5551], dtype=lucid.float64).round(decimals=2)
                               .numpy(), [1.23, -2.56])
    np.testing.assert_array_equal(lucid.trunc(_t([-1.7, 1.7])).numpy(), [-1, 1])
    np.testing.assert_array_equal(lucid.floor(_t([-1.5, 1.5])).numpy(), [-2, 1])
    np.testing.assert_array_equal(lucid.ceil(_t([-1.5, 1.5])).numpy(), [-1, 2])


def test_rounding_gradients_are_zero_not_missing():
    x = _t([0.3, 1.7], requires_grad=True)
    (x.floor() + x.round() + x.ceil() + x.trunc() + x.sign()).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0])


def test_sigmoid_is_stable_and_exact_at_extremes():
    x = _t([-1000.0, -30.0, 0.0, 30.0, 1000.0], dtype=lucid.float64)
    y = lucid.sigmoid(x).numpy()
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, [0, 1 / (1 + math.exp(30)), 0.5, 1 / (1 + math.exp(-30)), 1],
                               rtol=1e-15, atol=0)
    assert lucid.sigmoid(_t([1.0])).dtype == lucid.float32


def test_erf_matches_math_erf_to_float64_rounding():
    values = np.linspace(-6, 6, 241)
    got = lucid.erf(_t(values, dtype=lucid.float64)).numpy()
    want = np.array([math.erf(v) for v in values])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-300)


def test_clamp_scalar_bounds_and_gradient():
    x = _t([-2.0, -1.0, 0.0, 1.0, 2.0], requires_grad=True)
    y = lucid.clamp(x, min=-1.0, max=1.0)
    np.testing.assert_array_equal(y.numpy(), [-1, -1, 0, 1, 1])
    y.sum().backward()
    # torch: the gradient passes where min <= x <= max (bounds included)
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(x.detach().clip(max=0.5).numpy(), [-2, -1, 0, 0.5, 0.5])
    np.testing.assert_array_equal(lucid.clip(x.detach(), None, 0.0).numpy(), [-2, -1, 0, 0, 0])
    with pytest.raises(ValueError, match="clamp"):
        lucid.clamp(x, None, None)
    # min > max: every element becomes max (PyTorch's rule)
    np.testing.assert_array_equal(lucid.clamp(x.detach(), 1.0, -1.0).numpy(), [-1] * 5)


def test_clamp_tensor_bounds():
    x = _t([-2.0, 0.0, 2.0], requires_grad=True)
    lo = _t([-1.0, -1.0, -1.0], requires_grad=True)
    hi = _t(1.0, requires_grad=True)
    y = lucid.clamp(x, lo, hi)
    np.testing.assert_array_equal(y.numpy(), [-1, 0, 1])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0])
    np.testing.assert_array_equal(lo.grad.numpy(), [1, 0, 0])
    assert hi.grad.item() == 1.0


def test_clamp_propagates_nan():
    assert math.isnan(lucid.clamp(_t([float("nan")]), 0.0, 1.0).item())


def test_maximum_minimum_split_ties_evenly():
    x = _t([1.0, 2.0, 3.0], requires_grad=True)
    y = _t([3.0, 2.0, 1.0], requires_grad=True)
    lucid.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0.5, 1])
    np.testing.assert_array_equal(y.grad.numpy(), [1, 0.5, 0])
    x.grad = y.grad = None
    x.minimum(y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 0.5, 0])
    assert lucid.maximum(_t([1, 5]), 3).tolist() == [3, 5]
    assert lucid.minimum(_t([1, 5]), 2.5).dtype == lucid.float32


def test_masked_fill():
    x = _t([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    mask = _t([True, False])
    y = x.masked_fill(mask, -1.0)
    np.testing.assert_array_equal(y.numpy(), [[-1, 2], [-1, 4]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1], [0, 1]])
    assert lucid.masked_fill(_t([1, 2]), _t([False, True]), 7).tolist() == [1, 7]
    with pytest.raises(lucid.ShapeError, match="masked_fill"):
        lucid.masked_fill(_t([1.0, 2.0]), _t([[True, False], [True, True]]), 0.0)


def test_nan_tests_and_nan_to_num():
    x = _t([1.0, float("nan"), float("inf"), -float("inf")])
    assert lucid.isnan(x).tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, True]
    assert x.isfinite().tolist() == [True, False, False, False]
    assert lucid.isposinf(x).tolist() == [False, False, True, False]
    y = lucid.nan_to_num(x)
    big = np.finfo(np.float32).max
    np.testing.assert_array_equal(y.numpy(), np.array([1, 0, big, -big], np.float32))
    np.testing.assert_array_equal(x.nan_to_num(nan=2.0, posinf=3.0, neginf=-3.0).numpy(),
                                  [1, 2, 3, -3])
    xg = _t([1.0, float("nan"), 2.0], requires_grad=True)
    lucid.nan_to_num(xg).sum().backward()
    np.testing.assert_array_equal(xg.grad.numpy(), [1, 0, 1])


@pytest.mark.parametrize("fn,d2", [
    (lucid.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    (lucid.sigmoid, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s)),
    (lucid.sin, lambda x: -np.sin(x)),
    (lucid.exp, np.exp),
    (lucid.sqrt, lambda x: -0.25 * x ** -1.5),
    (lucid.erf, lambda x: -4 * x / math.sqrt(math.pi) * np.exp(-x * x)),
    (lucid.log1p, lambda x: -1 / (1 + x) ** 2),
    (lucid.arctan, lambda x: -2 * x / (1 + x * x) ** 2),
])
def test_second_derivatives(fn, d2):
    values = np.array([0.3, 0.9, 1.7])
    x = _t(values, dtype=lucid.float64, requires_grad=True)
    (g,) = lucid.grad([fn(x).sum()], [x], create_graph=True)
    (h,) = lucid.grad([g.sum()], [x])
    np.testing.assert_allclose(h.numpy(), d2(values), rtol=1e-10)


def test_inplace_variants():
    x = _t([-2.0, 0.25, 4.0])
    assert x.clamp_(-1.0, 1.0) is x
    np.testing.assert_array_equal(x.numpy(), [-1, 0.25, 1])
    x.abs_().sqrt_()
    np.testing.assert_array_equal(x.numpy(), [1, 0.5, 1])
    x.fill_(3)
    np.testing.assert_array_equal(x.numpy(), [3, 3, 3])
    assert x.dtype == lucid.float32
    x.zero_()
    np.testing.assert_array_equal(x.numpy(), [0, 0, 0])
    x.copy_(_t([1, 2, 3]))
    assert x.dtype == lucid.float32 and x.tolist() == [1, 2, 3]
    x.copy_(_t(5.0))
    assert x.tolist() == [5, 5, 5]
    x.masked_fill_(_t([True, False, True]), 0.0)
    assert x.tolist() == [0, 5, 0]
    x.exp_()
    np.testing.assert_allclose(x.numpy(), [1, math.exp(5), 1], rtol=1e-6)


def test_inplace_on_leaf_requiring_grad_is_refused_in_grad_mode():
    w = _t([1.0, -2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w.clamp_(0.0, 1.0)
    with lucid.no_grad():
        w.clamp_(0.0, 1.0)
        w.zero_()
    assert w.tolist() == [0, 0] and w.requires_grad


def test_copy_is_differentiable_to_source():
    src = _t([1.0, 2.0], requires_grad=True)
    dst = lucid.zeros(2)
    dst.copy_(src * 2)
    (dst * dst).sum().backward()
    np.testing.assert_allclose(src.grad.numpy(), [8, 16])


def hessian_vector_matches_fd(fn, x_np, seed=0, rtol=1e-5, atol=1e-7):
    """``v^T H`` from double backward equals central differences of the gradient."""
    hvp_check(fn, x_np, np.random.default_rng(seed), weighted=True, eps=1e-6, rtol=rtol,
              atol=atol)


_SMOOTH = np.array([[0.3, -0.7, 0.55], [-0.25, 0.8, 0.45]])


@pytest.mark.parametrize("fn", [
    lucid.sin, lucid.cos, lucid.tan, lucid.arcsin, lucid.arccos, lucid.arctan, lucid.sinh,
    lucid.cosh, lucid.tanh, lucid.arcsinh, lucid.arctanh, lucid.sigmoid, lucid.erf,
    lucid.expm1, lucid.exp,
    lambda x: lucid.log(x + 2), lambda x: lucid.log2(x + 2), lambda x: lucid.log10(x + 2),
    lambda x: lucid.log1p(x), lambda x: lucid.sqrt(x + 2), lambda x: lucid.rsqrt(x + 2),
    lambda x: lucid.reciprocal(x + 2), lambda x: lucid.abs(x) ** 3,
    lambda x: lucid.clamp(x, -0.5, 0.5) ** 2, lambda x: lucid.maximum(x, 0.2) ** 2,
    lambda x: lucid.minimum(x * x, x) ** 2, lambda x: lucid.arctan2(x, x * x + 1),
    lambda x: lucid.masked_fill(x, x > 0.5, 1.0) ** 2,
    lambda x: lucid.nan_to_num(x) ** 3, lambda x: lucid.floor(x) * x * x,
], ids=lambda f: getattr(f, "__name__", "fn"))
def test_elementwise_hessian_vector_products(fn):
    hessian_vector_matches_fd(fn, _SMOOTH)


@pytest.mark.parametrize("module", ["rounding_clamping", "reduction", "reduction_stats",
                                    "reduction_cumulative", "creation_ranges", "random_ops"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"lucid.ops.{module}")
    result = doctest.testmod(mod, extraglobs={"lucid": lucid},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_where_forms():
    x = lucid.tensor([1.0, 2.0, 3.0])
    cond = lucid.tensor([True, False, True])
    assert lucid.where(cond, x, 0.0).tolist() == [1, 0, 3]
    assert x.where(cond, -1.0).tolist() == [1, -1, 3]  # PyTorch: self where cond, else y
    assert lucid.where([True, False], 1.0, 2.0).tolist() == [1, 2]
    (idx,) = lucid.where(lucid.tensor([0, 3, 0, 4]) > 0)
    assert idx.tolist() == [1, 3]


def test_logaddexp_hypot_lerp_clamp_min_max():
    a = lucid.tensor([1000.0, -2.0, -math.inf], dtype=lucid.float64)
    b = lucid.tensor([1000.0, 3.0, -math.inf], dtype=lucid.float64)
    np.testing.assert_allclose(lucid.logaddexp(a, b).numpy(),
                               [1000 + math.log(2), math.log(math.exp(-2) + math.exp(3)),
                                -math.inf])
    assert lucid.hypot(lucid.tensor([3.0]), 4.0).tolist() == [5.0]
    start, end = lucid.tensor([0.0, 10.0]), lucid.tensor([10.0, 20.0])
    assert lucid.lerp(start, end, 0.25).tolist() == [2.5, 12.5]
    assert start.lerp(end, lucid.tensor([0.0, 1.0])).tolist() == [0.0, 20.0]
    start.lerp_(end, 0.5)
    assert start.tolist() == [5.0, 15.0]
    assert lucid.clamp_min(start, 6.0).tolist() == [6.0, 15.0]
    assert start.clamp_max(6.0).tolist() == [5.0, 6.0]
    np.testing.assert_allclose(round(lucid.tensor([2.5, 1.26]), 1).numpy(), [2.5, 1.3])
