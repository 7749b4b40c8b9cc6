"""The meta backend object: no data movement at all, only shapes and dtypes."""

from __future__ import annotations

import numpy as np

from lucid.backend import Backend
from lucid.dtypes import DType, to_dtype
from lucid.errors import BackendError
from lucid_backend_meta.array import MetaArray, MetaDataError
from lucid_backend_meta.kernels import KERNELS

NO_DATA = ("meta tensors have no data (shape {shape}, dtype {dtype}); build the model on "
           "meta, then materialise it with module.to_empty(device='cpu') and load weights")


class MetaBackend(Backend):
    """Kernels that compute output shapes and dtypes; serves device ``meta``."""

    name = "meta"
    lazy = False

    def __init__(self) -> None:
        super().__init__()
        self.kernels = KERNELS
        self._dtypes: dict = {}  # np.dtype -> DType (dtype_of runs once per op)

    def from_numpy(self, array) -> MetaArray:
        array = np.asarray(array) if not hasattr(array, "shape") else array
        return MetaArray(array.shape, array.dtype)

    def scalar(self, value, dtype: DType) -> MetaArray:
        return MetaArray((), dtype.name)

    def to_numpy(self, array: MetaArray):
        raise MetaDataError(NO_DATA.format(shape=array.shape, dtype=array.dtype))

    def native_dtype(self, dtype: DType):
        return np.dtype(dtype.name)

    def dtype_of(self, array: MetaArray) -> DType:
        try:
            return self._dtypes[array.dtype]
        except KeyError:
            dtype = self._dtypes[array.dtype] = to_dtype(array.dtype.name)
            return dtype

    def is_native(self, value) -> bool:
        return isinstance(value, MetaArray)

    def check_device(self, device_type: str) -> None:
        if device_type != "meta":
            raise BackendError(f"meta backend: serves only device 'meta', not {device_type!r}")


BACKEND = MetaBackend()
