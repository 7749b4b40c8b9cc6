"""Kernels of the core ops: arithmetic, comparison, casts, sum, reshape, matmul, where."""

from __future__ import annotations

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
    return np.where(cond, x, y)


@kernel("sum")
def sum_(x, *, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


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
