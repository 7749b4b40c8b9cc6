"""Reading CIFAR-10/100 batches: the binary version, and the Python (pickle) version safely.

**Binary version** (what :mod:`lucid.datasets` downloads): fixed-size records, no pickle.
CIFAR-10 ``data_batch_{1..5}.bin``/``test_batch.bin``: ``<1 byte label><3072 bytes image>``;
CIFAR-100 ``train.bin``/``test.bin``: ``<1 byte coarse label><1 byte fine label><3072
bytes>``. The image bytes are the red, green then blue 32x32 planes, row-major.

**Python version** (``cifar-10-python.tar.gz``, what torchvision caches): pickled dicts
holding a NumPy array. It is read with :class:`RestrictedUnpickler`, which resolves no
global except the three NumPy names needed to rebuild an array (``_reconstruct``,
``ndarray``, ``dtype``) and ``_codecs.encode`` (how Python 3 writes bytes at pickle
protocol 2; it only turns a str into bytes); dicts, lists, str, bytes and ints are
pickle's own opcodes. Any other global (``os.system``, ``builtins.eval``...) raises
:class:`DatasetFormatError`, so loading never runs code from the file; object arrays are
refused too.

Images come back as ``uint8`` arrays of shape ``(N, 32, 32, 3)`` (NHWC).
"""

from __future__ import annotations

import codecs
import io
import os
import pickle
import shutil
import tarfile

import numpy as np

from lucid.datasets.errors import DatasetFormatError

__all__ = ["read_cifar_binary", "read_cifar_pickle", "RestrictedUnpickler", "safe_extract"]

_IMAGE = 3 * 32 * 32


def _planes_to_nhwc(flat: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(flat.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))


def read_cifar_binary(path, label_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(images NHWC uint8, labels (N, label_bytes) uint8)`` from one binary batch file."""
    path = os.fspath(path)
    raw = np.fromfile(path, dtype=np.uint8)
    record = label_bytes + _IMAGE
    if raw.size == 0 or raw.size % record:
        raise DatasetFormatError(f"read_cifar_binary: {path!r} has {raw.size} bytes, not a "
                                 f"positive multiple of the {record}-byte record: the file is "
                                 "truncated or not a CIFAR binary batch")
    rows = raw.reshape(-1, record)
    return _planes_to_nhwc(rows[:, label_bytes:]), rows[:, :label_bytes].copy()


def _numpy_globals() -> dict:
    try:
        from numpy._core import multiarray
    except ImportError:  # NumPy < 2
        from numpy.core import multiarray
    allowed = {}
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = multiarray._reconstruct
    allowed[("numpy", "ndarray")] = np.ndarray
    allowed[("numpy", "dtype")] = np.dtype
    allowed[("_codecs", "encode")] = codecs.encode  # bytes in protocol-2 pickles of Python 3
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can build dicts, lists, strings, bytes, ints and plain NumPy arrays,
    and nothing else (no global but the three NumPy names and ``_codecs.encode`` is ever
    resolved)."""

    _allowed = None

    def find_class(self, module: str, name: str):
        if RestrictedUnpickler._allowed is None:
            RestrictedUnpickler._allowed = _numpy_globals()
        try:
            return RestrictedUnpickler._allowed[(module, name)]
        except KeyError:
            raise DatasetFormatError(f"refusing to unpickle global {module}.{name}: CIFAR "
                                     "files only hold dicts, lists and arrays") from None


def _check_arrays(obj, path: str) -> None:
    if isinstance(obj, np.ndarray) and obj.dtype.hasobject:
        raise DatasetFormatError(f"read_cifar_pickle: {path!r} holds an object array; refused")
    if isinstance(obj, dict):
        for v in obj.values():
            _check_arrays(v, path)
    elif isinstance(obj, list):
        for v in obj:
            _check_arrays(v, path)


def load_restricted_pickle(path) -> dict:
    """A pickled dict read with :class:`RestrictedUnpickler` (``latin1`` for Python 2 str)."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        obj = RestrictedUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except DatasetFormatError as exc:
        raise DatasetFormatError(f"read_cifar_pickle: {path!r}: {exc}") from None
    except Exception as exc:  # truncated or garbled pickle streams raise many types
        raise DatasetFormatError(f"read_cifar_pickle: {path!r} is truncated or corrupted "
                                 f"({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, dict):
        raise DatasetFormatError(f"read_cifar_pickle: {path!r} holds a "
                                 f"{type(obj).__name__}, expected a dict")
    _check_arrays(obj, path)
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in obj.items()}


def read_cifar_pickle(path, label_key: str) -> tuple[np.ndarray, np.ndarray]:
    """``(images NHWC uint8, labels int64)`` from one Python-version batch file."""
    path = os.fspath(path)
    batch = load_restricted_pickle(path)
    try:
        data, labels = batch["data"], batch[label_key]
    except KeyError as exc:
        raise DatasetFormatError(f"read_cifar_pickle: {path!r} has no {exc} entry "
                                 f"(keys: {sorted(batch)})") from None
    data = np.asarray(data)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != _IMAGE or \
            len(data) != len(labels):
        raise DatasetFormatError(f"read_cifar_pickle: {path!r}: data of shape {data.shape} "
                                 f"and dtype {data.dtype} with {len(labels)} labels; expected "
                                 f"uint8 (N, {_IMAGE}) and N labels")
    return _planes_to_nhwc(data), labels


def safe_extract(archive: str, dest: str) -> None:
    """Extract the regular files of a tar archive under ``dest``; links, devices and names
    escaping ``dest`` (absolute or with ``..``) are skipped."""
    dest = os.path.abspath(dest)
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                target = os.path.abspath(os.path.join(dest, member.name))
                if not member.isfile() or os.path.commonpath([dest, target]) != dest:
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                source = tar.extractfile(member)
                tmp = target + ".tmp"
                with source, open(tmp, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                os.replace(tmp, target)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, PermissionError):
            raise
        raise DatasetFormatError(f"safe_extract: {archive!r} is truncated or corrupted "
                                 f"({type(exc).__name__}: {exc})") from None
