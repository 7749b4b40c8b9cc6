"""Reductions and orderings: the reduced axes vanish (or stay as 1 with ``keepdims``).

``sum``/``prod`` of integers or booleans give ``int64`` and ``var`` a float, as NumPy;
arg-reductions and sorts give ``int64`` indices. Ops whose output size depends on the
values (``nonzero``, ``unique``) cannot run without data and say so.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_meta.array import MetaArray, MetaDataError
from lucid_backend_meta.kernels._registry import INDEX, axis_tuple, kernel, like


def reduced_shape(shape, axis, keepdims: bool) -> tuple[int, ...]:
    """``shape`` with the ``axis`` dims removed, or set to 1 when ``keepdims``."""
    axes = set(axis_tuple(axis, len(shape)))
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _accumulated(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.int64) if dtype.kind in "bi" and dtype.itemsize < 8 else dtype


@kernel("sum", "prod")
def sum_(x: MetaArray, *, axis, keepdims) -> MetaArray:
    return MetaArray(reduced_shape(x.shape, axis, keepdims), _accumulated(x.dtype))


@kernel("amax", "amin")
def amax(x: MetaArray, *, axis, keepdims) -> MetaArray:
    return like(x, reduced_shape(x.shape, axis, keepdims))


@kernel("all", "any")
def all_(x: MetaArray, *, axis, keepdims) -> MetaArray:
    return MetaArray(reduced_shape(x.shape, axis, keepdims), np.bool_)


@kernel("var")
def var(x: MetaArray, *, axis, keepdims, correction) -> MetaArray:
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return MetaArray(reduced_shape(x.shape, axis, keepdims), dtype)


@kernel("argmax", "argmin")
def argmax(x: MetaArray, *, axis, keepdims) -> MetaArray:
    return MetaArray(reduced_shape(x.shape, axis, keepdims), INDEX)


@kernel("max_dim", "min_dim")
def max_dim(x: MetaArray, *, axis, keepdims) -> tuple[MetaArray, MetaArray]:
    shape = reduced_shape(x.shape, axis, keepdims)
    return like(x, shape), MetaArray(shape, INDEX)


@kernel("argsort")
def argsort(x: MetaArray, *, axis, descending) -> MetaArray:
    return MetaArray(x.shape, INDEX)


def _resized(x: MetaArray, axis, size: int) -> MetaArray:
    shape = list(x.shape)
    shape[axis_tuple(axis, x.ndim)[0]] = size
    return MetaArray(shape, INDEX)


@kernel("argtopk")
def argtopk(x: MetaArray, *, k, axis, largest) -> MetaArray:
    """The ``k`` indices along ``axis``."""
    return _resized(x, axis, k)


@kernel("argkthvalue")
def argkthvalue(x: MetaArray, *, k, axis) -> MetaArray:
    """The one index along ``axis``, kept as a dim of 1."""
    return _resized(x, axis, 1)


@kernel("searchsorted")
def searchsorted(seq: MetaArray, values: MetaArray, *, right) -> MetaArray:
    return MetaArray(values.shape, INDEX)


@kernel("nonzero", "unique")
def value_dependent(x: MetaArray, **params):
    raise MetaDataError(f"meta backend: the output size of this op depends on the values "
                        f"of its input (shape {x.shape}), which meta tensors do not have")
