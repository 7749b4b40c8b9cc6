"""Lucid DType -> MLX dtype, for kernels that take a ``dtype`` parameter."""

from __future__ import annotations

import mlx.core as mx

_NAMES = {"float16": mx.float16, "float32": mx.float32, "float64": mx.float64,
          "int8": mx.int8, "uint8": mx.uint8, "int16": mx.int16, "int32": mx.int32,
          "int64": mx.int64, "bool": mx.bool_}


def mx_dtype(dtype) -> mx.Dtype:
    """The MLX dtype of a Lucid DType (by its NumPy-style name)."""
    return _NAMES[dtype.name]


def as_index(x: mx.array) -> mx.array:
    """MLX returns ``uint32`` indices (argmax, argsort ...); Lucid's indices are ``int64``."""
    return x.astype(mx.int64)
