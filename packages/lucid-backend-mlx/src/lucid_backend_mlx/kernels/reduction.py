"""Kernels of the reductions (``sum`` lives in ``basic.py``).

MLX returns ``uint32`` indices; Lucid's are ``int64`` (:func:`._dtypes.as_index`).
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels._dtypes import as_index
from lucid_backend_mlx.kernels._registry import kernel
from lucid_backend_mlx.kernels.basic import CASCADE_MIN, reduced_shape, sum_


def _reduce(fn, identity=None):
    """``fn`` over ``axis``; a 0-sized ``x`` gives ``identity`` (MLX's reductions of 0-sized
    arrays can return uninitialised memory; core refuses amax/amin over an empty axis)."""
    def run(x, *, axis, keepdims):
        if axis is not None and len(axis) == 0:
            return mx.array(x)
        if x.size == 0 and identity is not None:
            axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
            return mx.full(reduced_shape(x.shape, axes, keepdims), identity, dtype=mx.bool_)
        return fn(x, axis=axis, keepdims=keepdims)

    run.__name__ = fn.__name__
    return run


@kernel("prod")
def prod(x, *, axis, keepdims):
    if axis is not None and len(axis) == 0:
        return mx.array(x)
    if x.size == 0:  # MLX's reductions of 0-sized arrays can return uninitialised memory
        axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
        return mx.ones(reduced_shape(x.shape, axes, keepdims), dtype=x.dtype)
    out = mx.prod(x, axis=axis, keepdims=keepdims)
    return out if x.dtype == mx.bool_ else out.astype(x.dtype)


kernel("any")(_reduce(mx.any, False))
kernel("all")(_reduce(mx.all, True))
kernel("amax")(_reduce(mx.max))
kernel("amin")(_reduce(mx.min))


def _extreme_dim(arg, pick):
    def run(x, *, axis, keepdims):
        if x.ndim == 0:
            return mx.array(x), mx.zeros((), dtype=mx.int64)
        if x.size == 0:  # MLX's argmax refuses 0-sized arrays; the result is empty too
            shape = reduced_shape(x.shape, (axis,), keepdims)
            return mx.zeros(shape, dtype=x.dtype), mx.zeros(shape, dtype=mx.int64)
        idx = arg(x, axis=axis, keepdims=True)
        values = pick(x, axis=axis, keepdims=True)
        if not keepdims:
            idx, values = mx.squeeze(idx, axis), mx.squeeze(values, axis)
        return values, as_index(idx)

    return run


kernel("max_dim")(_extreme_dim(mx.argmax, mx.max))
kernel("min_dim")(_extreme_dim(mx.argmin, mx.min))


@kernel("argmax")
def argmax(x, *, axis, keepdims):
    if x.ndim == 0:
        return mx.zeros((), dtype=mx.int64)
    if x.size == 0:  # core refuses an empty reduced axis; this result is empty
        return mx.zeros(reduced_shape(x.shape, (axis,), keepdims), dtype=mx.int64)
    return as_index(mx.argmax(x, axis=axis, keepdims=keepdims))


@kernel("argmin")
def argmin(x, *, axis, keepdims):
    if x.ndim == 0:
        return mx.zeros((), dtype=mx.int64)
    if x.size == 0:  # core refuses an empty reduced axis; this result is empty
        return mx.zeros(reduced_shape(x.shape, (axis,), keepdims), dtype=mx.int64)
    return as_index(mx.argmin(x, axis=axis, keepdims=keepdims))


@kernel("var")
def var(x, *, axis, keepdims, correction):
    """``sum (x - mean)^2 / (n - correction)`` (inf/nan when ``n <= correction``); over
    more than ``CASCADE_MIN`` terms both sums are the cascaded :func:`basic.sum_` (``mx.var``
    of float32 ``ones(10**8)`` is 0.17, not 0)."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
    count = 1
    for a in axes:
        count *= x.shape[a]
    if x.size == 0:  # 0 / 0 where the reduced axes are empty (MLX may return garbage)
        return mx.full(reduced_shape(x.shape, axes, keepdims), float("nan"), dtype=x.dtype)
    if count <= CASCADE_MIN:
        return mx.var(x, axis=axis, keepdims=keepdims, ddof=correction)
    d = x - sum_(x, axis=axes, keepdims=True) / count
    return sum_(d * d, axis=axes, keepdims=keepdims) / (count - correction)


@kernel("cumsum")
def cumsum(x, *, axis, reverse):
    return mx.cumsum(x, axis=axis, reverse=reverse)


@kernel("cumprod")
def cumprod(x, *, axis, reverse):
    return mx.cumprod(x, axis=axis, reverse=reverse)
