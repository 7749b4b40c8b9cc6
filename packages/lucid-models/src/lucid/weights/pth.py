"""A restricted reader for PyTorch's checkpoint format (``torch.save``): no torch needed,
no code run.

The file is a zip archive: ``<name>/data.pkl`` (a pickle of the saved object) and one entry
``<name>/data/<key>`` per storage (the raw bytes of a flat array), plus ``byteorder``
(``little``/``big``) and ``version``. In the pickle, a tensor is the call
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
where ``storage`` is a *persistent id* ``("storage", torch.FloatStorage, key, location,
numel)``; a parameter wraps a tensor in ``torch._utils._rebuild_parameter``; a state dict is
a ``collections.OrderedDict``.

A pickle may name any importable callable, so loading an arbitrary one runs arbitrary code.
This reader's unpickler resolves only the names above (to functions defined here that build
NumPy arrays from the storage bytes: ``element [i_0, ..., i_k] = storage[offset +
sum_j i_j * stride_j]``, bounds-checked) and refuses every other global before anything is
called; containers (dict, list, tuple) and plain values need no global. The result is the
saved object with NumPy arrays in place of tensors.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

from lucid.serialization import CheckpointError

# torch storage class -> NumPy dtype (bfloat16 is read as its top 16 bits of a float32)
STORAGE_DTYPES = {
    "DoubleStorage": np.float64, "FloatStorage": np.float32, "HalfStorage": np.float16,
    "BFloat16Storage": "bfloat16", "LongStorage": np.int64, "IntStorage": np.int32,
    "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    """Stands for ``torch.<Name>Storage`` inside a persistent id: only its dtype matters."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dtype = STORAGE_DTYPES[name]


def _bfloat16_to_float32(raw: np.ndarray) -> np.ndarray:
    """bfloat16 is the upper half of a float32: widen by a 16-bit shift."""
    return (raw.astype(np.uint32) << 16).view(np.float32)


def _rebuild_tensor(storage, offset, size, stride, *unused) -> np.ndarray:
    """``element[i] = storage[offset + sum(i * stride)]``, copied out (never a view)."""
    size, stride, offset = tuple(int(s) for s in size), tuple(int(s) for s in stride), int(offset)
    if len(size) != len(stride) or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise CheckpointError(f"pth: tensor of size {size} has stride {stride}")
    if 0 in size:
        return np.zeros(size, dtype=storage.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if offset < 0 or last >= storage.size:
        raise CheckpointError(f"pth: tensor (offset {offset}, size {size}, stride {stride}) "
                              f"reaches past its storage of {storage.size} elements")
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=size,
                                           strides=tuple(s * item for s in stride),
                                           writeable=False)
    return np.array(view)


def _rebuild_parameter(data, requires_grad=True, *unused) -> np.ndarray:
    return data


def _ordered_dict(*args) -> OrderedDict:
    return OrderedDict(*args)


SAFE_GLOBALS = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("collections", "OrderedDict"): _ordered_dict,
    **{("torch", name): _StorageType(name) for name in STORAGE_DTYPES},
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only :data:`SAFE_GLOBALS`; storages come from the archive's data entries."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile, prefix: str, byteorder: str):
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix, self.byteorder = archive, prefix, byteorder
        self.storages: dict[str, np.ndarray] = {}

    def find_class(self, module: str, name: str):
        try:
            return SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise CheckpointError(f"pth: refusing to load {module}.{name}: only tensors, "
                                  "parameters and containers may appear in a checkpoint "
                                  "(a pickle naming other callables could run code)") from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise CheckpointError(f"pth: unsupported persistent id {pid!r}")
        _, kind, key, _location, numel = pid
        if key not in self.storages:
            self.storages[key] = self._read_storage(kind, str(key), int(numel))
        return self.storages[key]

    def _read_storage(self, kind: _StorageType, key: str, numel: int) -> np.ndarray:
        try:
            raw = self.archive.read(f"{self.prefix}data/{key}")
        except KeyError:
            raise CheckpointError(f"pth: storage {key!r} is missing from the archive") from None
        dtype = np.dtype(np.uint16 if kind.dtype == "bfloat16" else kind.dtype)
        if len(raw) < numel * dtype.itemsize:
            raise CheckpointError(f"pth: storage {key!r} has {len(raw)} bytes, expected "
                                  f"{numel} x {dtype.itemsize}")
        array = np.frombuffer(raw, dtype=dtype.newbyteorder("<" if self.byteorder == "little"
                                                            else ">"), count=numel)
        array = array.astype(dtype.newbyteorder("="))
        return _bfloat16_to_float32(array) if kind.dtype == "bfloat16" else array


def read_pth(path) -> object:
    """The object saved by ``torch.save`` at ``path``, with NumPy arrays for tensors.

    Raises :class:`CheckpointError` for anything that is not a zip checkpoint of tensors and
    containers (the legacy non-zip format of PyTorch < 1.6 included)."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise CheckpointError(f"pth: {path} is not a PyTorch zip checkpoint (torch.save since "
                              "PyTorch 1.6); re-save it with a current PyTorch")
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith("data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(f"pth: {path} holds {len(pickles)} data.pkl entries, not 1")
        prefix = pickles[0][:-len("data.pkl")]
        names = set(archive.namelist())
        byteorder = (archive.read(prefix + "byteorder").decode().strip()
                     if prefix + "byteorder" in names else "little")
        unpickler = _RestrictedUnpickler(archive.read(pickles[0]), archive, prefix, byteorder)
        try:
            return unpickler.load()
        except (pickle.UnpicklingError, EOFError, TypeError, ValueError) as exc:
            if isinstance(exc, CheckpointError):
                raise
            raise CheckpointError(f"pth: {path} is corrupt: {exc}") from exc
