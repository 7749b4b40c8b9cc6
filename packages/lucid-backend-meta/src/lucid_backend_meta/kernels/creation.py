"""Creation and random ops: shapes from their parameters (``arange``: NumPy's count
``ceil((stop - start) / step)``), dtypes as declared."""

from __future__ import annotations

import math

from lucid_backend_meta.array import MetaArray
from lucid_backend_meta.kernels._registry import INDEX, kernel, like, np_dtype


@kernel("full", "uniform", "normal", "randint", "dropout_mask")
def full(*, shape, dtype, **params) -> MetaArray:
    return MetaArray(shape, np_dtype(dtype))


@kernel("arange")
def arange(*, start, stop, step, dtype) -> MetaArray:
    return MetaArray((max(math.ceil((stop - start) / step), 0),), np_dtype(dtype))


@kernel("linspace", "logspace")
def linspace(*, num, dtype, **params) -> MetaArray:
    return MetaArray((num,), np_dtype(dtype))


@kernel("eye")
def eye(*, n, m, dtype) -> MetaArray:
    return MetaArray((n, n if m is None else m), np_dtype(dtype))


@kernel("randperm")
def randperm(*, n, dtype) -> MetaArray:
    return MetaArray((n,), np_dtype(dtype))


@kernel("bernoulli")
def bernoulli(p: MetaArray) -> MetaArray:
    return like(p)


@kernel("multinomial")
def multinomial(probs: MetaArray, *, num_samples, replacement) -> MetaArray:
    """``(..., C) -> (..., num_samples)`` category indices."""
    return MetaArray(probs.shape[:-1] + (num_samples,), INDEX)
