"""Elementwise ops written with the primitives (exp, log, sin, cos, arctan, floor, the
arithmetic, eq/lt and where).

The identities: ``x - y = x + (-1)y``; ``x ** 0.5``; ``log_b x = log x / log b``;
``sinh x = (e^x - e^-x) / 2``; ``tanh x = 1 - 2 / (e^{2x} + 1)``; ``arcsin x =
arctan(x / sqrt(1 - x^2))``; ``arctan2`` by quadrant; ``ceil x = -floor(-x)``; round half
to even from ``floor(x + 1/2)``; ``x % y = x - floor(x / y) y``; comparisons from ``==``,
``<`` and the logical ops from ``where``; ``isnan x = x != x``.
"""

from __future__ import annotations

import math

import numpy as np

from lucid.ops.composites import composite, const, ops


def _neg(x):
    return ops.mul(x, const(-1, x))


def _not(b):
    return ops.eq(b, const(False, b))


@composite("neg")
def neg(x):
    return _neg(x)


@composite("sub")
def sub(x, y):
    return ops.add(x, _neg(y))


@composite("remainder")
def remainder(x, y):
    return ops.add(x, _neg(ops.mul(ops.floor_divide(x, y), y)))


# -- comparisons and logic -------------------------------------------------------------
@composite("ne")
def ne(x, y):
    return _not(ops.eq(x, y))


@composite("gt")
def gt(x, y):
    return ops.lt(y, x)


@composite("le")
def le(x, y):
    return ops.where(ops.lt(x, y), ops.lt(x, y), ops.eq(x, y))


@composite("ge")
def ge(x, y):
    return le(y, x)


@composite("logical_not")
def logical_not(x):
    return _not(x)


@composite("logical_and")
def logical_and(x, y):
    return ops.where(x, y, x)


@composite("logical_or")
def logical_or(x, y):
    return ops.where(x, x, y)


@composite("logical_xor")
def logical_xor(x, y):
    return ne(x, y)


def _extreme(x, y, x_wins):
    """``x`` where it wins or is NaN, else ``y``; on a tie ``(x + y) / 2`` (the same value,
    and each input gets half the gradient, as the fused op's VJP)."""
    picked = ops.where(logical_or(isnan(x), x_wins), x, y)
    if not x.dtype.is_floating_point:
        return picked
    return ops.where(ops.eq(x, y), ops.mul(ops.add(x, y), const(0.5, x)), picked)


@composite("maximum")
def maximum(x, y):
    return _extreme(x, y, ops.lt(y, x))


@composite("minimum")
def minimum(x, y):
    return _extreme(x, y, ops.lt(x, y))


@composite("clip")
def clip(x, *, low, high):
    if low is not None:
        x = maximum(x, const(low, x))
    if high is not None:
        x = minimum(x, const(high, x))
    return x if low is not None or high is not None else ops.astype(x, dtype=x.dtype)


# -- classification ----------------------------------------------------------------------
@composite("isnan")
def isnan(x):
    return ne(x, x)


@composite("isposinf")
def isposinf(x):
    if not x.dtype.is_floating_point:
        return ne(x, x)
    return ops.eq(x, const(math.inf, x))


@composite("isneginf")
def isneginf(x):
    if not x.dtype.is_floating_point:
        return ne(x, x)
    return ops.eq(x, const(-math.inf, x))


@composite("isinf")
def isinf(x):
    return logical_or(isposinf(x), isneginf(x))


@composite("isfinite")
def isfinite(x):
    return _not(logical_or(isnan(x), isinf(x)))


@composite("nan_to_num")
def nan_to_num(x, *, nan, posinf, neginf):
    if not x.dtype.is_floating_point:
        return ops.astype(x, dtype=x.dtype)
    info = np.finfo(x.dtype.name)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    x = ops.where(isnan(x), const(nan, x), x)
    x = ops.where(isposinf(x), const(posinf, x), x)
    return ops.where(isneginf(x), const(neginf, x), x)


# -- powers, logarithms, sign --------------------------------------------------------------
@composite("sqrt")
def sqrt(x):
    return ops.pow(x, const(0.5, x))


@composite("abs")
def abs_(x):
    return ops.where(ops.lt(x, const(0, x)), _neg(x), x)


@composite("sign")
def sign(x):
    """``(x > 0) - (x < 0)``; NaN stays NaN."""
    one = const(1, x)
    out = ops.where(ops.lt(const(0, x), x), one, ops.where(ops.lt(x, const(0, x)),
                                                            _neg(one), const(0, x)))
    return ops.where(isnan(x), x, out) if x.dtype.is_floating_point else out


@composite("log2")
def log2(x):
    return ops.div(ops.log(x), const(math.log(2.0), x))


@composite("log10")
def log10(x):
    return ops.div(ops.log(x), const(math.log(10.0), x))


@composite("log1p")
def log1p(x):
    """``log(1 + x)``, corrected for the rounding of ``u = 1 + x``: ``log(u) * x / (u - 1)``
    (exact to a few ulps also for tiny ``x``)."""
    one = const(1, x)
    u = ops.add(one, x)
    d = sub(u, one)
    exact = ops.eq(d, const(0, x))
    ratio = ops.div(x, ops.where(exact, one, d))
    return ops.where(exact, x, ops.mul(ops.log(u), ratio))


@composite("expm1")
def expm1(x):
    """``e^x - 1``, corrected for small ``x``: ``(u - 1) x / log u`` with ``u = e^x``."""
    one = const(1, x)
    u = ops.exp(x)
    d = sub(u, one)
    lu = ops.log(u)
    tiny = ops.eq(d, const(0, x))
    close = ops.lt(abs_(x), one)
    safe = ops.where(ops.where(tiny, tiny, _not(close)), one, lu)
    corrected = ops.mul(d, ops.div(x, safe))
    return ops.where(tiny, x, ops.where(close, corrected, d))


@composite("sigmoid")
def sigmoid(x):
    one = const(1, x)
    return ops.div(one, ops.add(one, ops.exp(_neg(x))))


# -- rounding ------------------------------------------------------------------------------
@composite("ceil")
def ceil(x):
    return _neg(ops.floor(_neg(x)))


@composite("trunc")
def trunc(x):
    return ops.where(ops.lt(x, const(0, x)), ceil(x), ops.floor(x))


def _round_half_even(x):
    half = const(0.5, x)
    r = ops.floor(ops.add(x, half))
    tie = ops.eq(sub(r, x), half)
    odd = ops.eq(remainder(r, const(2, x)), const(1, x))
    return ops.where(logical_and(tie, odd), sub(r, const(1, x)), r)


@composite("round")
def round_(x, *, decimals):
    if not x.dtype.is_floating_point:
        return ops.astype(x, dtype=x.dtype)
    if decimals == 0:
        return _round_half_even(x)
    scale = const(10.0 ** decimals, x)
    return ops.div(_round_half_even(ops.mul(x, scale)), scale)


# -- trigonometric and hyperbolic ----------------------------------------------------------
@composite("tan")
def tan(x):
    return ops.div(ops.sin(x), ops.cos(x))


@composite("arcsin")
def arcsin(x):
    return ops.arctan(ops.div(x, sqrt(sub(const(1, x), ops.mul(x, x)))))


@composite("arccos")
def arccos(x):
    """``2 arctan(sqrt((1 - x) / (1 + x)))`` (accurate near 1, pi at -1)."""
    one = const(1, x)
    return ops.mul(const(2, x), ops.arctan(sqrt(ops.div(sub(one, x), ops.add(one, x)))))


@composite("arctan2")
def arctan2(y, x):
    """``arctan(y / x)``, moved by +-pi for ``x < 0``; ``+-pi/2`` on the y axis."""
    zero = const(0, x)
    base = ops.arctan(ops.div(y, x))
    pi = const(math.pi, x)
    signed_pi = ops.where(ops.lt(y, zero), _neg(pi), pi)
    at_axis = ops.where(ops.lt(y, zero), const(-math.pi / 2, x), const(math.pi / 2, x))
    out = ops.where(ops.lt(x, zero), ops.add(base, signed_pi), base)
    out = ops.where(ops.eq(x, zero), ops.where(ops.eq(y, zero), const(0.0, x), at_axis), out)
    return ops.where(logical_or(isnan(x), isnan(y)), ops.add(x, y), out)


@composite("sinh")
def sinh(x):
    return ops.div(sub(ops.exp(x), ops.exp(_neg(x))), const(2, x))


@composite("cosh")
def cosh(x):
    return ops.div(ops.add(ops.exp(x), ops.exp(_neg(x))), const(2, x))


@composite("tanh")
def tanh(x):
    """``sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|})`` (no overflow), ``expm1`` for small x."""
    e = expm1(ops.mul(const(-2, x), abs_(x)))
    t = ops.div(_neg(e), ops.add(const(2, x), e))
    return ops.where(ops.lt(x, const(0, x)), _neg(t), t)


@composite("arcsinh")
def arcsinh(x):
    """``sign(x) log1p(|x| + x^2 / (1 + sqrt(1 + x^2)))``."""
    a = abs_(x)
    one = const(1, x)
    inner = ops.add(a, ops.div(ops.mul(a, a), ops.add(one, sqrt(ops.add(one, ops.mul(a, a))))))
    out = log1p(inner)
    return ops.where(ops.lt(x, const(0, x)), _neg(out), out)


@composite("arccosh")
def arccosh(x):
    """``log(x + sqrt(x^2 - 1))``."""
    one = const(1, x)
    return ops.log(ops.add(x, sqrt(ops.mul(sub(x, one), ops.add(x, one)))))


@composite("arctanh")
def arctanh(x):
    """``log1p(2x / (1 - x)) / 2``."""
    one = const(1, x)
    return ops.div(log1p(ops.div(ops.mul(const(2, x), x), sub(one, x))), const(2, x))


@composite("clone")
def clone(x):
    return ops.astype(x, dtype=x.dtype)
