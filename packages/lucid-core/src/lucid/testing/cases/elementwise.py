"""Cases of the elementwise math ops. References use Python's ``math`` module element by
element (``np.vectorize``) or closed formulas, not the NumPy ufunc the kernel calls."""

import builtins
import math

import numpy as np

import lucid
from lucid.testing.case import case, positive, randn


def _scalar(fn):
    """An elementwise float64 reference from a scalar ``math`` function."""
    vec = np.vectorize(fn, otypes=[np.float64])
    return lambda x, **params: vec(x)


def _uniform(low, high, *shape):
    return lambda rng: [rng.uniform(low, high, size=shape)]


def _away_from_zero(*shape):
    """Floats with |x| in [0.1, 2) and random signs (|x| has a kink at 0)."""
    return lambda rng: [rng.uniform(0.1, 2, size=shape) * rng.choice([-1, 1], size=shape)]


def _away_from_integers(*shape):
    """Floats at least 0.1 from any integer (rounding ops have kinks at integers)."""
    return lambda rng: [rng.integers(-4, 4, size=shape) + rng.uniform(0.1, 0.4, size=shape)
                        * rng.choice([-1, 1], size=shape)]


case("log2", positive(3, 4), _scalar(math.log2))
case("log10", positive(3, 4), _scalar(math.log10))
case("log1p", _uniform(-0.5, 2, 3, 4), _scalar(math.log1p))
case("expm1", randn(3, 4), _scalar(math.expm1))
case("sqrt", positive(3, 4), _scalar(math.sqrt))
case("abs", _away_from_zero(3, 4), lambda x: np.array([builtins.abs(v) for v in x.flat])
     .reshape(x.shape))
case("abs", lambda rng: [rng.integers(-5, 5, (6,))], lambda x: np.array([builtins.abs(int(v))
     for v in x]), name="int")
case("sign", _away_from_zero(3, 4),
     lambda x: np.array([float(v > 0) - float(v < 0) for v in x.flat]).reshape(x.shape))
case("sign", lambda rng: [np.array([-2.5, -0.1, 0.0, 0.3, 4.0])],
     lambda x: np.array([-1.0, -1.0, 0.0, 1.0, 1.0]), name="zero", differentiable=False)
case("sigmoid", lambda rng: [np.concatenate([rng.standard_normal(6) * 3,
                                             [-40.0, 40.0]])],
     _scalar(lambda v: 1 / (1 + math.exp(-v))))
case("erf", lambda rng: [rng.standard_normal((3, 4)) * 1.5], _scalar(math.erf))

case("sin", randn(3, 4), _scalar(math.sin))
case("cos", randn(3, 4), _scalar(math.cos))
case("tan", _uniform(-1.2, 1.2, 3, 4), _scalar(math.tan))
case("arcsin", _uniform(-0.9, 0.9, 3, 4), _scalar(math.asin))
case("arccos", _uniform(-0.9, 0.9, 3, 4), _scalar(math.acos))
case("arctan", randn(3, 4), _scalar(math.atan))
case("arctan2", lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((4,))],
     np.vectorize(math.atan2, otypes=[np.float64]))
case("sinh", randn(3, 4), _scalar(math.sinh))
case("cosh", randn(3, 4), _scalar(math.cosh))
case("tanh", randn(3, 4), _scalar(math.tanh))
case("arcsinh", randn(3, 4), _scalar(math.asinh))
case("arccosh", _uniform(1.2, 3, 3, 4), _scalar(math.acosh))
case("arctanh", _uniform(-0.9, 0.9, 3, 4), _scalar(math.atanh))

case("floor", _away_from_integers(3, 4), _scalar(math.floor))
case("ceil", _away_from_integers(3, 4), _scalar(math.ceil))
case("trunc", _away_from_integers(3, 4), _scalar(math.trunc))
case("round", _away_from_integers(3, 4), _scalar(builtins.round), params={"decimals": 0})
case("round", lambda rng: [np.array([0.5, 1.5, 2.5, -0.5, -2.5, 3.49])],
     lambda x, decimals: np.array([0.0, 2.0, 2.0, -0.0, -2.0, 3.0]), params={"decimals": 0},
     name="half-to-even", differentiable=False)
case("round", lambda rng: [rng.uniform(-10, 10, (8,))],
     lambda x, decimals: np.array([builtins.round(v, 2) for v in x]), params={"decimals": 2},
     name="decimals", rtol=1e-12, atol=1e-12)
case("clip", randn(3, 4), lambda x, low, high: np.where(x < low, low, np.where(x > high, high, x)),
     params={"low": -0.5, "high": 0.7})
case("clip", randn(3, 4), lambda x, low, high: np.where(x < low, low, x),
     params={"low": 0.1, "high": None}, name="min-only")
case("clip", lambda rng: [rng.integers(-6, 6, (8,))],
     lambda x, low, high: np.array([builtins.min(builtins.max(v, low), high) for v in x]),
     params={"low": -2, "high": 3}, name="int")


def _clamp_tensors(rng):
    x = rng.standard_normal((3, 4))
    return [x, x[0] - 0.3 + 0.05 * rng.standard_normal(4), rng.uniform(0.3, 1.0, (3, 1))]


case("clip", _clamp_tensors,
     lambda x, lo, hi: np.where((x < lo) & (lo <= hi), lo, 0) + np.where(x > hi, hi, 0)
     + np.where((x >= lo) & (x <= hi), x, 0) + np.where((x < lo) & (lo > hi), hi, 0),
     call=lambda x, lo, hi: lucid.clamp(x, min=lo, max=hi), name="tensor-bounds")


def _with_ties(rng):
    x = rng.standard_normal((3, 4))
    y = rng.standard_normal((3, 4))
    y[0] = x[0]  # ties: the gradient is split evenly, matching central differences
    return [x, y]


case("maximum", _with_ties, lambda x, y: np.where(x >= y, x, y))
case("minimum", _with_ties, lambda x, y: np.where(x <= y, x, y))
case("maximum", lambda rng: [rng.standard_normal((2, 3)), rng.standard_normal((3,))],
     lambda x, y: np.where(x >= y, x, y), name="broadcast")


def _specials(rng):
    x = rng.standard_normal(8)
    x[[1, 4, 6]] = [np.nan, np.inf, -np.inf]
    return [x]


case("nan_to_num", _specials,
     lambda x, nan, posinf, neginf: np.array(
         [nan if v != v else posinf if v == math.inf else neginf if v == -math.inf else v
          for v in x]), params={"nan": 0.5, "posinf": 7.0, "neginf": -9.0})
case("isnan", _specials, lambda x: np.array([v != v for v in x]))
case("isinf", _specials, lambda x: np.array([v in (math.inf, -math.inf) for v in x]))
case("isposinf", _specials, lambda x: np.array([v == math.inf for v in x]))
case("isneginf", _specials, lambda x: np.array([v == -math.inf for v in x]))
case("isfinite", _specials, lambda x: np.array([v == v and builtins.abs(v) != math.inf
                                                for v in x]))
case("where", lambda rng: [rng.standard_normal((3, 4)), rng.integers(0, 2, (4,)).astype(bool)],
     lambda x, m: np.where(m, -1.5, x), name="masked_fill",
     call=lambda x, m: lucid.masked_fill(x, m, -1.5))
case("log1p", lambda rng: [rng.standard_normal((3, 4)) * 3, rng.standard_normal((4,)) * 3],
     np.vectorize(lambda a, b: math.log(math.exp(a) + math.exp(b)), otypes=[np.float64]),
     call=lucid.logaddexp, name="logaddexp")
case("sqrt", lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))],
     np.vectorize(math.hypot, otypes=[np.float64]), call=lucid.hypot, name="hypot")
case("relu", _away_from_zero(3, 4), _scalar(lambda v: v if v > 0 else 0.0))
