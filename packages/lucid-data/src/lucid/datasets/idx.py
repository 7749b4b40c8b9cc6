"""The IDX format of MNIST and Fashion-MNIST (gzip-compressed or raw).

Layout (all header integers big-endian)::

    bytes 0-1   0x00 0x00
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte  3     number of dimensions n
    4 * n       each dimension, uint32
    rest        the elements, row-major, big-endian

:func:`read_idx` checks every part of that and raises :class:`DatasetFormatError`
naming the file when the header is wrong or the data is shorter or longer than the
dimensions say.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib

import numpy as np

from lucid.datasets.errors import DatasetFormatError

__all__ = ["read_idx", "write_idx", "IDX_TYPES"]

IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_raw(path: str) -> bytes:
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:  # truncated or damaged gzip stream
        raise DatasetFormatError(f"read_idx: {path!r} is a damaged gzip file "
                                 f"({type(exc).__name__}: {exc}); delete it and get it "
                                 "again") from None


def read_idx(path) -> np.ndarray:
    """The array stored in an IDX file (``.gz`` or raw), in native byte order."""
    path = os.fspath(path)
    raw = _read_raw(path)
    if len(raw) < 4:
        raise DatasetFormatError(f"read_idx: {path!r} is truncated: {len(raw)} bytes, "
                                 "shorter than the 4-byte IDX magic number")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise DatasetFormatError(f"read_idx: {path!r} is not an IDX file: magic number "
                                 f"{raw[:4].hex()} (expected 0000 then a type code in "
                                 f"{[hex(c) for c in IDX_TYPES]} then the dimension count)")
    dtype, ndim = IDX_TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetFormatError(f"read_idx: {path!r} is truncated inside its header "
                                 f"({len(raw)} bytes, the header needs {header})")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = header + math.prod(dims) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise DatasetFormatError(f"read_idx: {path!r} is {what}: dimensions {dims} of "
                                 f"{dtype.name} need {expected} bytes, the file has "
                                 f"{len(raw)}")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="))  # a writable, native-order copy


def write_idx(path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as IDX (gzip-compressed when ``compress`` or the name ends in .gz)."""
    path = os.fspath(path)
    array = np.asarray(array)
    codes = {np.dtype(v).newbyteorder("=").str: k for k, v in IDX_TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("=").str)
    if code is None:
        raise ValueError(f"write_idx: dtype {array.dtype} has no IDX type code")
    body = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() +
            array.astype(IDX_TYPES[code]).tobytes())
    if compress or (compress is None and path.endswith(".gz")):
        body = gzip.compress(body, mtime=0)
    with open(path, "wb") as f:
        f.write(body)
