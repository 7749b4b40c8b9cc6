"""``ToyArray``: the toy backend's native array type."""

from __future__ import annotations

import numpy as np


class ToyArray:
    """A boxed NumPy array with the two attributes Lucid reads: ``shape`` and ``dtype``."""

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
