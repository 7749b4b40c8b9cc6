"""Kernels of the product family: ``einsum`` (``matmul`` lives in ``basic.py``; dot,
tensordot, trace ... are compositions in core)."""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels._registry import kernel


@kernel("einsum")
def einsum(*arrays, subscripts):
    """``mx.einsum`` (it picks the contraction order); integer operands, which MLX's
    matmul refuses, are contracted in float64 on the CPU and cast back (exact below
    2^53)."""
    if all(mx.issubdtype(a.dtype, mx.inexact) for a in arrays):
        return mx.einsum(subscripts, *arrays)
    dtype = arrays[0].dtype
    wide = [a.astype(mx.float64) for a in arrays]
    return mx.einsum(subscripts, *wide, stream=mx.cpu).astype(dtype)
