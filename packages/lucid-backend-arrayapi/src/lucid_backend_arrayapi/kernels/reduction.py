"""Reductions and scans: sums, products, extremes and their positions, variance,
cumulative sums and products, softmax.

``axis`` arrives as a tuple (or ``None`` for every axis). ``max_dim`` returns the values
and int64 positions of the first maximum (``argmax`` then ``take_along_axis``);
``var = sum((x - mean)^2) / (n - correction)``; a reversed scan flips, scans and flips
back; ``softmax = e / sum(e)`` with ``e = exp(x - max x)``.
"""

from __future__ import annotations

import math


def kernels(b) -> dict:
    xp = b.xp

    def axes_of(x, axis):
        if axis is None:
            return tuple(range(x.ndim))
        return tuple(a % max(x.ndim, 1) for a in ((axis,) if isinstance(axis, int) else axis))

    def reduction(fn):
        def run(x, *, axis, keepdims):
            return fn(x, axis=axis, keepdims=keepdims)

        return run

    def sum_(x, *, axis, keepdims):
        return xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)

    def prod(x, *, axis, keepdims):
        return xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)

    def arg_reduction(fn):
        def run(x, *, axis, keepdims):
            axes = axes_of(x, axis)
            if len(axes) != 1:  # over several axes: flatten them last
                kept = [i for i in range(x.ndim) if i not in axes]
                flat = xp.reshape(xp.permute_dims(x, (*kept, *axes)),
                                  (*[x.shape[i] for i in kept], -1))
                out = fn(flat, axis=-1)
                if keepdims:
                    out = xp.reshape(out, tuple(1 if i in axes else n
                                                for i, n in enumerate(x.shape)))
            else:
                out = fn(x, axis=axes[0], keepdims=keepdims)
            return xp.astype(out, xp.int64)

        return run

    def extreme_dim(fn):
        def run(x, *, axis, keepdims):
            (dim,) = axes_of(x, axis)
            idx = fn(x, axis=dim, keepdims=True)
            values = xp.take_along_axis(x, idx, axis=dim)
            if not keepdims:
                idx, values = xp.squeeze(idx, axis=dim), xp.squeeze(values, axis=dim)
            return values, xp.astype(idx, xp.int64)

        return run

    def var(x, *, axis, keepdims, correction):
        axes = axes_of(x, axis)
        count = math.prod(x.shape[a] for a in axes)
        d = x - xp.mean(x, axis=axes, keepdims=True)
        return xp.sum(d * d, axis=axes, keepdims=keepdims) / (count - correction)

    def scan(fn):
        def run(x, *, axis, reverse):
            if x.ndim == 0:
                return xp.asarray(x, copy=True)
            if reverse:
                return xp.flip(fn(xp.flip(x, axis=axis), axis=axis, dtype=x.dtype), axis=axis)
            return fn(x, axis=axis, dtype=x.dtype)

        return run

    def softmax(x, *, axis):
        e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
        return e / xp.sum(e, axis=axis, keepdims=True)

    def log_softmax(x, *, axis):
        shifted = x - xp.max(x, axis=axis, keepdims=True)
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))

    return {"sum": sum_, "prod": prod, "any": reduction(xp.any), "all": reduction(xp.all),
            "amax": reduction(xp.max), "amin": reduction(xp.min),
            "argmax": arg_reduction(xp.argmax), "argmin": arg_reduction(xp.argmin),
            "max_dim": extreme_dim(xp.argmax), "min_dim": extreme_dim(xp.argmin),
            "var": var, "cumsum": scan(xp.cumulative_sum), "cumprod": scan(xp.cumulative_prod),
            "softmax": softmax, "log_softmax": log_softmax}
