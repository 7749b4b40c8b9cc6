"""Kernels of the range/grid creation ops (``full`` lives in ``basic.py``)."""

from __future__ import annotations

import math

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


@kernel("arange")
def arange(*, start, stop, step, dtype):
    if all(isinstance(v, int) for v in (start, stop, step)):
        return np.arange(start, stop, step, dtype=np.int64).astype(dtype.name, copy=False)
    n = max(math.ceil((stop - start) / step), 0)
    return (start + step * np.arange(n, dtype=np.float64)).astype(dtype.name)


@kernel("linspace")
def linspace(*, start, stop, num, dtype):
    return np.linspace(start, stop, num, dtype=np.float64).astype(dtype.name)


@kernel("logspace")
def logspace(*, start, stop, num, base, dtype):
    return np.logspace(start, stop, num, base=base, dtype=np.float64).astype(dtype.name)


@kernel("eye")
def eye(*, n, m, dtype):
    return np.eye(n, m, dtype=dtype.name)
