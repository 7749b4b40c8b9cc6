"""Reductions and scans written with ``sum``, ``prod``, ``amax``, ``argmax``, ``cumsum``.

``any x = sum(x != 0) > 0``, ``all x = sum(x == 0) == 0``; ``amin x = -amax(-x)``,
``argmin x = argmax(-x)`` (bool: through ``not``, unsigned: through int64);
``max_dim = (amax, argmax)``; ``var = sum((x - mean)^2) / (n - correction)``;
``cumprod`` by a log-depth scan of products of shifted slices; ``softmax = e / sum e``
with ``e = exp(x - max x)``, ``log_softmax = x - max x - log sum e``.
"""

from __future__ import annotations

import math

from lucid import dtypes
from lucid.ops.composites import composite, const, ops


def _count(mask, axis, keepdims):
    return ops.sum(ops.astype(mask, dtype=dtypes.int64), axis=axis, keepdims=keepdims)


@composite("any")
def any_(x, *, axis, keepdims):
    nonzero = ops.logical_not(ops.eq(x, const(0, x)))
    return ops.lt(const(0, x, dtypes.int64), _count(nonzero, axis, keepdims))


@composite("all")
def all_(x, *, axis, keepdims):
    return ops.eq(_count(ops.eq(x, const(0, x)), axis, keepdims), const(0, x, dtypes.int64))


def _negated(x):
    """``-x`` in an order-reversing form: ``not x`` for bool, int64 for unsigned."""
    if x.dtype is dtypes.bool_:
        return ops.logical_not(x)
    if x.dtype.kind == "u":
        x = ops.astype(x, dtype=dtypes.int64)
    return ops.mul(x, const(-1, x))


@composite("amin")
def amin(x, *, axis, keepdims):
    out = ops.amax(_negated(x), axis=axis, keepdims=keepdims)
    return ops.astype(_negated(out), dtype=x.dtype)


@composite("argmin")
def argmin(x, *, axis, keepdims):
    return ops.argmax(_negated(x), axis=axis, keepdims=keepdims)


@composite("max_dim")
def max_dim(x, *, axis, keepdims):
    return (ops.amax(x, axis=_tuple(axis), keepdims=keepdims),
            ops.argmax(x, axis=axis, keepdims=keepdims))


@composite("min_dim")
def min_dim(x, *, axis, keepdims):
    return (amin(x, axis=_tuple(axis), keepdims=keepdims),
            argmin(x, axis=axis, keepdims=keepdims))


def _tuple(axis):
    return axis if axis is None else (axis,)


def _axes(x, axis) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(len(x.shape)))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % len(x.shape) for a in axes)


@composite("var")
def var(x, *, axis, keepdims, correction):
    n = math.prod(x.shape[a] for a in _axes(x, axis))
    mean = ops.div(ops.sum(x, axis=axis, keepdims=True), const(n, x))
    d = ops.add(x, ops.mul(mean, const(-1, x)))
    return ops.div(ops.sum(ops.mul(d, d), axis=axis, keepdims=keepdims),
                   const(max(n - correction, 0), x))


def _take(x, axis, start, stop, step=1):
    return ops.getitem(x, index=(slice(None),) * axis + (slice(start, stop, step),))


@composite("cumprod")
def cumprod(x, *, axis, reverse):
    """``y_i = prod_{j <= i} x_j``: after the step with shift ``s``, ``y_i`` is the product
    of the ``2s`` entries ending at ``i`` (Hillis-Steele)."""
    axis %= len(x.shape)
    n = x.shape[axis]
    y = _take(x, axis, None, None, -1) if reverse else x
    shift = 1
    while shift < n:
        head = _take(y, axis, 0, shift)
        tail = ops.mul(_take(y, axis, shift, n), _take(y, axis, 0, n - shift))
        y = ops.concatenate(head, tail, axis=axis)
        shift *= 2
    return _take(y, axis, None, None, -1) if reverse else y


def _shifted(x, axis):
    peak = ops.amax(x, axis=(axis,), keepdims=True).detach()
    zero = ops.mul(peak, const(0, peak))
    infinite = ops.logical_not(ops.eq(zero, zero))  # inf * 0 and NaN * 0 are NaN
    peak = ops.where(infinite, const(0, peak), peak)  # an infinite or NaN max shifts nothing
    return ops.add(x, ops.mul(peak, const(-1, peak)))


@composite("softmax")
def softmax(x, *, axis):
    e = ops.exp(_shifted(x, axis))
    return ops.div(e, ops.sum(e, axis=(axis,), keepdims=True))


@composite("log_softmax")
def log_softmax(x, *, axis):
    z = _shifted(x, axis)
    lse = ops.log(ops.sum(ops.exp(z), axis=(axis,), keepdims=True))
    return ops.add(z, ops.mul(lse, const(-1, lse)))
