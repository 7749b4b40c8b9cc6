"""The NumPy backend object: data movement, dtype mapping and its random generator."""

from __future__ import annotations

import numpy as np

from lucid.backend import Backend
from lucid.dtypes import DType, to_dtype
from lucid.errors import BackendError
from lucid_backend_numpy.kernels import KERNELS, _random_state
from lucid_backend_numpy.step_recorder import Marked


class NumpyBackend(Backend):
    """Eager CPU kernels on ``np.ndarray``; serves device ``cpu`` by default."""

    name = "numpy"
    lazy = False

    def __init__(self) -> None:
        super().__init__()
        self.kernels = KERNELS
        self._dtype_cache: dict = {}

    def from_numpy(self, array: np.ndarray) -> np.ndarray:
        return np.asarray(array)

    def to_numpy(self, array: np.ndarray) -> np.ndarray:
        return np.asarray(array)

    def native_dtype(self, dtype: DType):
        return np.dtype(dtype.name)

    def dtype_of(self, array) -> DType:
        key = array.dtype
        try:
            return self._dtype_cache[key]
        except KeyError:
            dtype = self._dtype_cache[key] = to_dtype(key.name)
            return dtype

    def is_native(self, value) -> bool:
        return isinstance(value, np.ndarray)

    def same_array(self, a, b) -> bool:
        """A marked array (a step being recorded) is the plain array it marks."""
        if type(a) is Marked:
            a = a.plain
        if type(b) is Marked:
            b = b.plain
        return a is b

    def compile_function(self, fn):
        """``lucid.compile`` on NumPy: the step recorded once as a list of kernel and NumPy
        calls and replayed as straight-line Python (:mod:`lucid_backend_numpy.replay`)."""
        from lucid_backend_numpy.replay import compile_function

        return compile_function(self, fn)

    def seed(self, seed: int) -> None:
        _random_state.seed(seed)

    def check_device(self, device_type: str) -> None:
        if device_type != "cpu":
            raise BackendError(f"numpy backend: serves only device 'cpu', not {device_type!r}")


BACKEND = NumpyBackend()
