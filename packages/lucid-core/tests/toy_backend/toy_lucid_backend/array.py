"""``ToyArray``: the toy backend's native array type."""

from __future__ import annotations

import numpy as np


class ToyArray:
    """A boxed NumPy array with what Lucid reads of a native array: ``shape``, ``dtype``
    and the arithmetic operators ``+ - *`` and unary ``-`` (which backward uses)."""

    __slots__ = ("values",)

    def __init__(self, values) -> None:
        self.values = np.asarray(values)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    @property
    def dtype(self):
        return self.values.dtype

    def __repr__(self) -> str:
        return f"ToyArray({self.values!r})"

    def _binary(self, other, fn):
        other = other.values if isinstance(other, ToyArray) else other
        return ToyArray(fn(self.values, other))

    def __add__(self, other):
        return self._binary(other, np.add)

    def __radd__(self, other):
        return self._binary(other, np.add)

    def __sub__(self, other):
        return self._binary(other, np.subtract)

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: np.subtract(b, a))

    def __mul__(self, other):
        return self._binary(other, np.multiply)

    def __rmul__(self, other):
        return self._binary(other, np.multiply)

    def __neg__(self):
        return ToyArray(-self.values)
