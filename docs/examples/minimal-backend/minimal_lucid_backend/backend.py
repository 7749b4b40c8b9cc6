"""The backend object: data in and out, dtypes, the random generator, its kernels."""

from __future__ import annotations

import numpy as np

from lucid.backend import Backend
from lucid.errors import BackendError
from minimal_lucid_backend import kernels


class MinimalBackend(Backend):
    """Serves ``cpu`` with NumPy arrays and only the required kernels."""

    name = "minimal"

    def __init__(self) -> None:
        super().__init__()
        self.kernels = dict(kernels.KERNELS)

    def from_numpy(self, array):
        return np.array(array)  # a copy: Lucid may hand us a view of someone's data

    def to_numpy(self, array):
        return np.asarray(array)

    def native_dtype(self, dtype):
        return np.dtype(dtype.name)

    def is_native(self, value) -> bool:
        return isinstance(value, np.ndarray)

    def seed(self, seed: int) -> None:
        kernels.RNG[0] = np.random.default_rng(seed)

    def check_device(self, device_type: str) -> None:
        if device_type != "cpu":
            raise BackendError(f"minimal backend: serves only 'cpu', not {device_type!r}")


BACKEND = MinimalBackend()
