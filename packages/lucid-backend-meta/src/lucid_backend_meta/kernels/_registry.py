"""The ``@kernel(name, ...)`` decorator that collects the meta backend's kernels."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lucid_backend_meta.array import MetaArray

KERNELS: dict[str, Callable] = {}


def kernel(*names: str):
    """Register the decorated function as the meta kernel of each op in ``names``."""

    def add(fn: Callable) -> Callable:
        for name in names:
            if name in KERNELS:
                raise ValueError(f"meta backend: kernel {name!r} registered twice")
            KERNELS[name] = fn
        return fn

    return add


def axis_tuple(axis, ndim: int) -> tuple[int, ...]:
    """``None`` -> every axis; an int or a tuple -> non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim if ndim else 0 for a in axes)


def like(x: MetaArray, shape=None, dtype=None) -> MetaArray:
    """A MetaArray with ``x``'s shape/dtype unless given."""
    return MetaArray(x.shape if shape is None else shape, x.dtype if dtype is None else dtype)


_NP_DTYPES: dict = {}


def np_dtype(dtype) -> np.dtype:
    """A Lucid DType (or anything NumPy understands) as a NumPy dtype."""
    try:
        return _NP_DTYPES[dtype]
    except KeyError:
        found = _NP_DTYPES[dtype] = np.dtype(getattr(dtype, "name", dtype))
        return found


INDEX = np.dtype(np.int64)  # dtype of indices (argmax, pooling argmax, sorts), as NumPy
