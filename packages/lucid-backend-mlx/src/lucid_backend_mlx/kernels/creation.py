"""Kernels of the range/grid creation ops (``full`` lives in ``basic.py``).

Float ranges are computed in float64 on MLX's CPU device (the only one with float64) and
cast to the requested dtype, so a float32 ``arange``/``linspace`` rounds the exact values
once, as NumPy's kernels do.
"""

from __future__ import annotations

import math

import mlx.core as mx

from lucid_backend_mlx.kernels import _allocation
from lucid_backend_mlx.kernels._dtypes import mx_dtype
from lucid_backend_mlx.kernels._registry import kernel


@kernel("arange")
def arange(*, start, stop, step, dtype):
    if all(isinstance(v, int) for v in (start, stop, step)):
        _allocation.check("arange", (max(-((start - stop) // step), 0),), mx.int64)
        return mx.arange(start, stop, step, dtype=mx.int64).astype(mx_dtype(dtype))
    n = max(math.ceil((stop - start) / step), 0)
    _allocation.check("arange", (n,), mx.float64)
    with mx.stream(mx.cpu):
        values = start + step * mx.arange(n, dtype=mx.float64)
        return values.astype(mx_dtype(dtype))


def _grid(start, stop, num):
    """``num`` evenly spaced float64 values from ``start`` to ``stop`` inclusive."""
    if num == 1:
        return mx.array([float(start)], dtype=mx.float64)
    step = (stop - start) / (num - 1)
    values = start + step * mx.arange(num, dtype=mx.float64)
    if num > 1:
        values = mx.concatenate([values[:-1], mx.array([float(stop)], dtype=mx.float64)])
    return values


@kernel("linspace")
def linspace(*, start, stop, num, dtype):
    _allocation.check("linspace", (num,), mx.float64)
    with mx.stream(mx.cpu):
        return _grid(start, stop, num).astype(mx_dtype(dtype))


@kernel("logspace")
def logspace(*, start, stop, num, base, dtype):
    with mx.stream(mx.cpu):
        return mx.power(mx.array(float(base), dtype=mx.float64),
                        _grid(start, stop, num)).astype(mx_dtype(dtype))


@kernel("eye")
def eye(*, n, m, dtype):
    _allocation.check("eye", (n, n if m is None else m), mx_dtype(dtype))
    return mx.eye(n, m, dtype=mx_dtype(dtype))
