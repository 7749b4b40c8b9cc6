"""Kernels of the core ops: arithmetic, comparison, casts, sum, reshape, matmul, where."""

from __future__ import annotations

import math

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel, ufunc_kernel


def _np_dtype(dtype):
    return np.dtype(dtype.name)


@kernel("full")
def full(*, shape, fill_value, dtype):
    return np.full(shape, fill_value, dtype=_np_dtype(dtype))


@kernel("astype")
def astype(x, *, dtype):
    return x.astype(_np_dtype(dtype))


@kernel("clone")
def clone(x):
    return x.copy()


for _op, _ufunc in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                    ("div", np.true_divide), ("floor_divide", np.floor_divide),
                    ("remainder", np.remainder), ("eq", np.equal), ("ne", np.not_equal),
                    ("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                    ("ge", np.greater_equal), ("logical_and", np.logical_and),
                    ("logical_or", np.logical_or), ("logical_xor", np.logical_xor)):
    ufunc_kernel(_op, ufunc=_ufunc)


@kernel("pow")
def power(x, y):
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise ValueError("pow: integers to negative integer powers are not allowed")
    return np.power(x, y)


ufunc_kernel("neg", ufunc=np.negative)


ufunc_kernel("logical_not", ufunc=np.logical_not)


ufunc_kernel("exp", ufunc=np.exp)


@kernel("log")
def log(x):
    return np.log(x)


@kernel("where")
def where(cond, x, y):
    """``np.where(cond, x, y)``. Choosing between a float array and zero (ReLU's backward
    ``where(x <= 0, 0, g)``, masks) is a product with the mask instead: about 10x faster
    than ``np.where``'s branching loop on a random mask, and the same values (see
    :func:`_keep_or_zero`)."""
    if _is_zero(x) and _is_float_array(y):
        return _keep_or_zero(np.logical_not(cond), y)
    if _is_zero(y) and _is_float_array(x):
        return _keep_or_zero(cond, x)
    return np.where(cond, x, y)


def _is_zero(value) -> bool:
    return (type(value) in (int, float) and value == 0) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind == "f"
        and value == 0)


def _is_float_array(value) -> bool:
    return isinstance(value, np.ndarray) and value.ndim > 0 and value.dtype.kind == "f"


def _keep_or_zero(keep: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``where(keep, a, 0)`` as ``a * keep + 0.0``: ``+ 0.0`` turns the ``-0.0`` of a
    negative ``a`` times ``False`` into ``0.0``; where ``a`` is inf or NaN at a dropped
    place the product is NaN, and ``np.where`` gives the exact zeros."""
    with np.errstate(invalid="ignore"):  # inf * False
        out = np.multiply(a, keep)
    if out.shape != np.broadcast_shapes(keep.shape, a.shape) or out.dtype != a.dtype:
        return np.where(keep, a, a.dtype.type(0))
    np.add(out, 0.0, out=out)
    if np.isnan(np.add.reduce(out, axis=None)):  # rare: NaN or inf in ``a``
        return np.where(keep, a, a.dtype.type(0))
    return out


# Longer float sums over axes NumPy would add in order are laid out to be pairwise (sum_).
CASCADE_MIN = 2**20


@kernel("sum")
def sum_(x, *, axis, keepdims):
    """``np.sum``. NumPy sums pairwise (error ~ log n) only along a contiguous innermost run;
    over other axes it adds in order, so a float32 sum of over ``CASCADE_MIN`` terms there
    (error ~ n) is taken after moving the reduced axes last (one copy), as PyTorch's
    cascade sum is accurate whatever the axes."""
    if x.dtype.kind != "f" or x.itemsize > 4 or axis is None and x.flags.c_contiguous:
        return np.sum(x, axis=axis, keepdims=keepdims)
    axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
    count = math.prod(x.shape[a] for a in axes)
    trailing = axes == tuple(range(x.ndim - len(axes), x.ndim)) and x.flags.c_contiguous
    if count <= CASCADE_MIN or trailing:
        return np.sum(x, axis=axis, keepdims=keepdims)
    kept = tuple(i for i in range(x.ndim) if i not in axes)
    flat = np.ascontiguousarray(x.transpose(kept + axes)).reshape(
        tuple(x.shape[i] for i in kept) + (count,))
    out = flat.sum(axis=-1)
    if keepdims:
        out = out.reshape(tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    return out


@kernel("reshape")
def reshape(x, *, shape):
    return x.reshape(shape)


@kernel("permute")
def permute(x, *, axes):
    return x.transpose(axes)


@kernel("broadcast_to")
def broadcast_to(x, *, shape):
    return np.broadcast_to(x, shape)


@kernel("matmul")
def matmul(x, y):
    return np.matmul(x, y)


@kernel("linear")
def linear(x, w, b=None):
    """``x W^T + b``: the transposed weight is a view, BLAS reads it as such."""
    out = np.matmul(x, w.T)
    if b is not None:
        out += b
    return out
