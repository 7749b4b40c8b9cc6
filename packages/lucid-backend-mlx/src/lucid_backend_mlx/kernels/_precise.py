"""float64-accurate versions of the MLX functions that are not accurate in float64.

MLX (0.32, CPU device) evaluates ``exp``, ``sin``, ``cos``, ``erf`` (and what is built
on them: ``sigmoid``, ``logaddexp``, ``logsumexp``, ``softmax``) with float32-grade
approximations even for float64 arrays: relative errors near 1e-7, and ``exp`` overflows
to ``inf`` above ~88. Lucid's float64 must be float64 (the conformance suite checks
gradients by finite differences), so for float64 inputs these functions are rebuilt from
MLX functions that *are* accurate in float64 (``expm1``, ``tan``, ``tanh``, ``log1p``,
``power``, arithmetic). Other dtypes use MLX's functions directly.
"""

from __future__ import annotations

import math

import mlx.core as mx


def is_f64(x: mx.array) -> bool:
    return x.dtype == mx.float64


def exp(x: mx.array) -> mx.array:
    """``e^x``; float64: ``e^|x| = expm1(|x|) + 1`` (accurate relative), ``e^-|x| = 1 / e^|x|``.
    float32: MLX's ``exp`` overflows to inf from ``x ~ 88.1``, short of float32's
    ``ln(max) = 88.72``; there ``e^x = (e^(x/2))^2``."""
    if x.dtype == mx.float32:
        half = mx.exp(x * 0.5)
        return mx.where(x > 88.0, half * half, mx.exp(x))
    if not is_f64(x):
        return mx.exp(x)
    big = mx.expm1(mx.abs(x)) + 1.0
    return mx.where(x >= 0, big, 1.0 / big)


def sin(x: mx.array) -> mx.array:
    """``sin x``; float64 via the half-angle tangent ``t = tan(x/2)``: ``2t / (1 + t^2)``."""
    if not is_f64(x):
        return mx.sin(x)
    t = mx.tan(x * 0.5)
    return 2.0 * t / (1.0 + t * t)


def cos(x: mx.array) -> mx.array:
    """``cos x``; float64 via ``t = tan(x/2)``: ``(1 - t)(1 + t) / (1 + t^2)``."""
    if not is_f64(x):
        return mx.cos(x)
    t = mx.tan(x * 0.5)
    return (1.0 - t) * (1.0 + t) / (1.0 + t * t)


def sigmoid(x: mx.array) -> mx.array:
    """``1 / (1 + e^-x)``; float64 with ``e = e^-|x|``: ``1/(1+e)`` or ``e/(1+e)``."""
    if not is_f64(x):
        return mx.sigmoid(x)
    e = exp(-mx.abs(x))
    return mx.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_SERIES_TERMS = 80
_FRACTION_DEPTH = 60
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def erf(x: mx.array) -> mx.array:
    """``erf x = 2/sqrt(pi) int_0^x e^(-t^2) dt``; float64:

    * ``|x| < 3``: ``2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))``
      (all terms positive, so no cancellation);
    * ``|x| >= 3``: ``1 - erfc |x|`` with the continued fraction
      ``erfc x = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))``;
    * the sign of ``x`` restored at the end (erf is odd).
    """
    if not is_f64(x):
        return mx.erf(x)
    a = mx.minimum(mx.abs(x), 27.0)  # erf is 1 in float64 long before; avoids e^-x^2 = 0 / 0
    a2 = a * a
    gauss = exp(-a2)
    term = a
    total = a
    for n in range(1, _SERIES_TERMS):
        term = term * (2.0 * a2) / (2 * n + 1)
        total = total + term
    series = _TWO_OVER_SQRT_PI * gauss * total
    tail = mx.maximum(a, 3.0)
    frac = tail
    for k in range(_FRACTION_DEPTH, 0, -1):
        frac = tail + (k * 0.5) / frac
    fraction = 1.0 - exp(-tail * tail) / (math.sqrt(math.pi) * frac)
    value = mx.where(a < 3.0, series, fraction)
    return mx.where(x < 0, -value, value)


def logsumexp(x: mx.array, axis, keepdims: bool) -> mx.array:
    """``log sum e^x`` over ``axis``, shifted by the max for stability."""
    if not is_f64(x):
        return mx.logsumexp(x, axis=axis, keepdims=keepdims)
    top = mx.stop_gradient(mx.max(x, axis=axis, keepdims=True))
    top = mx.where(mx.isinf(top), 0.0, top)
    out = mx.log(mx.sum(exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else mx.squeeze(out, axis)


def softmax(x: mx.array, axis) -> mx.array:
    """``e^(x - max) / sum e^(x - max)`` over ``axis``."""
    if not is_f64(x):
        return mx.softmax(x, axis=axis, precise=True)
    e = exp(x - mx.max(x, axis=axis, keepdims=True))
    return e / mx.sum(e, axis=axis, keepdims=True)
