"""The toy backend: kernels unbox ``ToyArray`` inputs, compute, and box the result."""

from __future__ import annotations

import numpy as np

from lucid.backend import Backend
from toy_lucid_backend.array import ToyArray


def _boxed(fn):
    """Turn a function on NumPy arrays into a kernel on ToyArrays."""

    def kernel(*arrays, **params):
        return ToyArray(fn(*(a.values for a in arrays), **params))

    return kernel


KERNELS = {
    "full": _boxed(lambda *, shape, fill_value, dtype: np.full(shape, fill_value, dtype.name)),
    "astype": _boxed(lambda x, *, dtype: x.astype(dtype.name)),
    "add": _boxed(np.add),
    "sub": _boxed(np.subtract),
    "mul": _boxed(np.multiply),
    "div": _boxed(np.divide),
    "neg": _boxed(np.negative),
    "exp": _boxed(np.exp),
    "sum": _boxed(lambda x, *, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims)),
    "reshape": _boxed(lambda x, *, shape: x.reshape(shape)),
    "permute": _boxed(lambda x, *, axes: x.transpose(axes)),
    "broadcast_to": _boxed(lambda x, *, shape: np.broadcast_to(x, shape)),
    "matmul": _boxed(np.matmul),
}


class ToyBackend(Backend):
    """Serves any device type; eager."""

    name = "toy"

    def __init__(self) -> None:
        super().__init__()
        self.kernels = dict(KERNELS)

    def from_numpy(self, array):
        return ToyArray(np.array(array))

    def to_numpy(self, array):
        return np.asarray(array.values)

    def is_native(self, value) -> bool:
        return isinstance(value, ToyArray)
