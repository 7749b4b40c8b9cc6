"""Kernels of the reductions (``sum`` lives in ``basic.py``)."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


@kernel("prod")
def prod(x, *, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


@kernel("any")
def any_(x, *, axis, keepdims):
    return np.any(x, axis=axis, keepdims=keepdims)


@kernel("all")
def all_(x, *, axis, keepdims):
    return np.all(x, axis=axis, keepdims=keepdims)


@kernel("amax")
def amax(x, *, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


@kernel("amin")
def amin(x, *, axis, keepdims):
    return np.min(x, axis=axis, keepdims=keepdims)


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


@kernel("argmax")
def argmax(x, *, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims).astype(np.int64, copy=False)


@kernel("argmin")
def argmin(x, *, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims).astype(np.int64, copy=False)


@kernel("var")
def var(x, *, axis, keepdims, correction):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.var(x, axis=axis, ddof=correction, keepdims=keepdims)


def _scan(fn):
    def run(x, *, axis, reverse):
        if reverse:
            return np.flip(fn(np.flip(x, axis), axis=axis), axis)
        return fn(x, axis=axis)

    return run


kernel("cumsum")(_scan(np.cumsum))
kernel("cumprod")(_scan(np.cumprod))
