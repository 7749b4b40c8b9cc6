"""Kernels of the reductions (``sum`` lives in ``basic.py``)."""

from __future__ import annotations

import math

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel
from lucid_backend_numpy.kernels.basic import CASCADE_MIN, sum_


def _axis_reduction(fn, out_dtype=None):
    """The kernel of a plain ``fn(x, axis=..., keepdims=...)`` reduction (its result cast
    to ``out_dtype`` when given)."""
    def run(x, *, axis, keepdims):
        out = fn(x, axis=axis, keepdims=keepdims)
        return out if out_dtype is None else out.astype(out_dtype, copy=False)

    return run


kernel("prod")(_axis_reduction(np.prod))
kernel("any")(_axis_reduction(np.any))
kernel("all")(_axis_reduction(np.all))
kernel("amax")(_axis_reduction(np.max))
kernel("amin")(_axis_reduction(np.min))
kernel("argmax")(_axis_reduction(np.argmax, np.int64))
kernel("argmin")(_axis_reduction(np.argmin, np.int64))


def _extreme_dim(arg):
    def run(x, *, axis, keepdims):
        idx = arg(x, axis=axis, keepdims=True)
        values = np.take_along_axis(x, idx, axis=axis)
        if not keepdims:
            idx, values = idx.squeeze(axis), values.squeeze(axis)
        return values, idx.astype(np.int64, copy=False)

    return run


kernel("max_dim", multi_output=True)(_extreme_dim(np.argmax))
kernel("min_dim", multi_output=True)(_extreme_dim(np.argmin))


@kernel("var")
def var(x, *, axis, keepdims, correction):
    """``sum (x - mean)^2 / (n - correction)``; both sums through :func:`basic.sum_`, so a
    long float32 variance over any axes is as accurate as a pairwise sum."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
    count = math.prod(x.shape[a] for a in axes)
    with np.errstate(divide="ignore", invalid="ignore"):
        if count <= CASCADE_MIN or x.dtype.kind != "f":
            return np.var(x, axis=axis, ddof=correction, keepdims=keepdims)
        d = x - sum_(x, axis=axes, keepdims=True) / x.dtype.type(count)
        return sum_(d * d, axis=axes, keepdims=keepdims) / x.dtype.type(count - correction)


def _scan(fn):
    def run(x, *, axis, reverse):
        if reverse:
            return np.flip(fn(np.flip(x, axis), axis=axis), axis)
        return fn(x, axis=axis)

    return run


kernel("cumsum")(_scan(np.cumsum))
kernel("cumprod")(_scan(np.cumprod))
