"""``MetaArray``: the native array of the meta backend, a shape and a dtype without data.

It has what Lucid reads from a native array (``shape``, ``dtype``) and the Python
operators the raw VJP interpreter uses (``+ - *``, unary ``-``, also with Python numbers),
which broadcast shapes and promote dtypes by NumPy's rules.
"""

from __future__ import annotations

import math

import numpy as np

from lucid.errors import BackendError


class MetaDataError(BackendError):
    """A meta tensor was asked for values it does not have."""


class MetaArray:
    """``shape`` (a tuple of ints) and ``dtype`` (a ``np.dtype``); no values."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype) -> None:
        self.shape = tuple(map(int, shape))
        self.dtype = np.dtype(dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __repr__(self) -> str:
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"

    def _binary(self, other) -> MetaArray:
        return elementwise_result(self, other)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _binary

    def __neg__(self) -> MetaArray:
        return MetaArray(self.shape, self.dtype)

    def __array__(self, dtype=None, copy=None):
        raise MetaDataError("meta tensors have no data: there is nothing to convert to a "
                            "NumPy array")


def shape_of(value) -> tuple[int, ...]:
    """The shape of a MetaArray, or ``()`` for a Python number."""
    return value.shape if isinstance(value, MetaArray) else ()


def dtype_operand(value):
    """What ``np.result_type`` takes: the dtype of an array, a Python number as it is
    (NumPy 2 treats it as weak: ``float32 array + 1.0`` stays ``float32``)."""
    return value.dtype if isinstance(value, MetaArray) else value


def elementwise_result(*operands, dtype=None) -> MetaArray:
    """The broadcast shape of ``operands``; ``dtype`` or NumPy's promotion of theirs."""
    shape = np.broadcast_shapes(*(shape_of(v) for v in operands))
    if dtype is None:
        dtype = np.result_type(*(dtype_operand(v) for v in operands))
    return MetaArray(shape, dtype)
