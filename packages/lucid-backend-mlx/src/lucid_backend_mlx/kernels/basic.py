"""Kernels of the core ops: arithmetic, comparison, casts, sum, reshape, matmul, where."""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _allocation, _precise
from lucid_backend_mlx.kernels._dtypes import mx_dtype
from lucid_backend_mlx.kernels._registry import kernel


@kernel("full")
def full(*, shape, fill_value, dtype):
    _allocation.check("full", shape, mx_dtype(dtype))
    # mx.full ignores dtype=bool for an int fill value (gives int32): cast explicitly.
    return mx.full(shape, fill_value, dtype=mx_dtype(dtype)).astype(mx_dtype(dtype))


@kernel("astype")
def astype(x, *, dtype):
    return x.astype(mx_dtype(dtype))


@kernel("clone")
def clone(x):
    return mx.array(x)  # a new array object: item assignment on one never shows in the other


def _binary(fn):
    def run(x, y):
        return fn(x, y)

    run.__name__ = fn.__name__
    return run


for _op, _fn in (("add", mx.add), ("sub", mx.subtract), ("mul", mx.multiply),
                 ("div", mx.divide), ("floor_divide", mx.floor_divide),
                 ("remainder", mx.remainder), ("eq", mx.equal), ("ne", mx.not_equal),
                 ("lt", mx.less), ("le", mx.less_equal), ("gt", mx.greater),
                 ("ge", mx.greater_equal)):
    kernel(_op)(_binary(_fn))


def _truth(x):
    return x if x.dtype == mx.bool_ else x != 0


@kernel("logical_and")
def logical_and(x, y):
    return mx.logical_and(_truth(x), _truth(y))


@kernel("logical_or")
def logical_or(x, y):
    return mx.logical_or(_truth(x), _truth(y))


@kernel("logical_xor")
def logical_xor(x, y):
    return mx.not_equal(_truth(x), _truth(y))


@kernel("logical_not")
def logical_not(x):
    return mx.logical_not(_truth(x))


@kernel("pow")
def power(x, y):
    if mx.issubdtype(x.dtype, mx.integer) and mx.any(y < 0).item():
        raise ValueError("pow: integers to negative integer powers are not allowed")
    return mx.power(x, y)


@kernel("neg")
def neg(x):
    return mx.negative(x)


@kernel("exp")
def exp(x):
    return _precise.exp(x)


@kernel("log")
def log(x):
    return mx.log(x)


@kernel("where")
def where(cond, x, y):
    return mx.where(cond, x, y)


# A float sum over more than CASCADE_MIN terms is summed in blocks of SUM_BLOCK terms
# (see sum_; NumPy's pairwise sum uses blocks of 128 too). Shorter sums stay one mx.sum:
# no transposed copy on the hot path (batch-norm statistics, losses).
SUM_BLOCK = 128
CASCADE_MIN = 2**20


@kernel("sum")
def sum_(x, *, axis, keepdims):
    """``mx.sum``, cascaded for long float reductions: MLX's CPU sum accumulates in order in
    the input's dtype, so float32 ``ones(10**8).sum()`` stops at ``2**24 = 16777216``.
    Past ``CASCADE_MIN`` terms, summing blocks of ``SUM_BLOCK`` terms and then the block
    sums (recursively) keeps the error near NumPy's pairwise sum and gives PyTorch's
    ``1e8``."""
    if axis is not None and len(axis) == 0:
        return mx.array(x)
    axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
    if x.size == 0:  # MLX's sum of a 0-sized array can return uninitialised memory
        return mx.zeros(reduced_shape(x.shape, axes, keepdims), dtype=x.dtype)
    count = 1
    for a in axes:
        count *= x.shape[a]
    if count <= CASCADE_MIN or not mx.issubdtype(x.dtype, mx.floating):
        return mx.sum(x, axis=axis, keepdims=keepdims)
    kept = tuple(i for i in range(x.ndim) if i not in axes)
    flat = mx.transpose(x, kept + axes).reshape(tuple(x.shape[i] for i in kept) + (count,))
    while flat.shape[-1] > SUM_BLOCK:
        extra = -flat.shape[-1] % SUM_BLOCK
        if extra:
            flat = mx.pad(flat, [(0, 0)] * (flat.ndim - 1) + [(0, extra)])
        flat = mx.sum(flat.reshape(flat.shape[:-1] + (-1, SUM_BLOCK)), axis=-1)
    out = mx.sum(flat, axis=-1)
    return out.reshape(reduced_shape(x.shape, axes, True)) if keepdims else out


def reduced_shape(shape, axes, keepdims: bool) -> tuple:
    """``shape`` reduced over ``axes`` (kept as 1s with ``keepdims``)."""
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


@kernel("reshape")
def reshape(x, *, shape):
    return mx.reshape(x, shape)


@kernel("permute")
def permute(x, *, axes):
    return mx.transpose(x, axes)


@kernel("broadcast_to")
def broadcast_to(x, *, shape):
    return mx.broadcast_to(x, shape)


@kernel("matmul")
def matmul(x, y):
    if mx.issubdtype(x.dtype, mx.inexact):
        return mx.matmul(x, y)
    return int_matmul(x, y)


@kernel("linear")
def linear(x, w, b=None):
    """``x W^T + b`` (``mx.addmm`` with a bias)."""
    if not mx.issubdtype(x.dtype, mx.inexact):
        out = int_matmul(x, w.T)
        return out if b is None else out + b
    return mx.matmul(x, w.T) if b is None else mx.addmm(b, x, w.T)


def int_matmul(x, y):
    """MLX's matmul takes floating types only; integer (and bool) products are exact here:
    ``z[..., i, k] = sum_j x[..., i, j] * y[..., j, k]`` by broadcasting."""
    was_bool = x.dtype == mx.bool_
    if was_bool:
        x, y = x.astype(mx.int64), y.astype(mx.int64)
    vec_x, vec_y = x.ndim == 1, y.ndim == 1
    if vec_x:
        x = x[None, :]
    if vec_y:
        y = y[:, None]
    out = mx.sum(x[..., :, :, None] * y[..., None, :, :], axis=-2)
    if vec_x:
        out = mx.squeeze(out, -2)
    if vec_y:
        out = mx.squeeze(out, -1)
    return out != 0 if was_bool else out
