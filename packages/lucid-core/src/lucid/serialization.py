"""Checkpoints on disk: ``lucid.save``/``lucid.load`` (the ``.lcd`` format) and safetensors.

``.lcd`` (Lucid checkpoint), format version 1
--------------------------------------------

All integers are little-endian. Offsets count bytes from the start of the file.

==========  =======================  =====================================================
offset      size                     content
==========  =======================  =====================================================
0           8                        magic ``b"\\x89LCD\\r\\n\\x1a\\n"`` (PNG-style: catches
                                     text-mode and 7-bit transfers)
8           4                        format version, ``uint32`` (``1``)
12          8                        header length ``H``, ``uint64``
20          H                        header: UTF-8 JSON, padded with spaces so that the
                                     payload starts on a 64-byte boundary
20 + H      ``payload_size``         payload: the raw bytes of every tensor, each C-ordered,
                                     little-endian, starting on a 64-byte boundary (zero
                                     padding between tensors)
end - 8     4                        CRC-32 (``zlib.crc32``) of every byte before it
end - 4     4                        end marker ``b"LCD."``
==========  =======================  =====================================================

The header is ``{"format": "lucid.lcd", "version": 1, "payload_size": N, "root": NODE}``
where ``NODE`` describes the saved object:

* ``null``, ``true``/``false``, JSON integers, finite floats and strings stand for themselves
  (a JSON float always has a ``.`` or an exponent, so ``1.0`` stays a float);
* a list is a JSON list of nodes;
* every other value is a one-key object whose key starts with ``$``:
  ``{"$tuple": [NODE, ...]}``, ``{"$dict": [[KEY, NODE], ...]}`` (keys may be strings, ints,
  floats, bools or None, so optimizer state keyed by int survives),
  ``{"$float": "nan" | "inf" | "-inf"}``, ``{"$dtype": "float32"}``,
  ``{"$tensor": {"dtype", "shape", "offset", "nbytes", "requires_grad", "device"}}`` and
  ``{"$ndarray": {"dtype", "shape", "offset", "nbytes"}}`` (a NumPy array, loaded as one);
  ``offset`` counts from the start of the payload.

Tensors come back as plain :class:`~lucid.Tensor` s (a ``Parameter`` is stored as its
values, ``requires_grad`` and device; ``load_state_dict`` copies it into the module).
A tensor met twice in the object (same Python object) is stored once and comes back as one
tensor.

Loading reads the file once, checks magic, version, sizes and the CRC before building
anything, and never runs code from the file (no pickle): the header is JSON, tensors are
raw bytes. A bad file raises :class:`CheckpointError` naming the file and the problem.

Saving is atomic: the bytes go to a temporary file next to the target, are flushed and
``fsync``-ed, then ``os.replace`` puts them in place, so a crash mid-save leaves the old
checkpoint intact (a stray ``.<name>.*.tmp`` file may remain).

Paths ending in ``.safetensors`` go through the ``safetensors`` package instead (flat dicts
of tensors only; see :func:`save_safetensors`), so weights move to and from PyTorch, MLX and
Hugging Face tools.

Example::

    lucid.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, "ck.lcd")
    state = lucid.load("ck.lcd", map_location="cpu")
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
import time
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from lucid.device import to_device
from lucid.dtypes import ALL_DTYPES, DType, to_dtype
from lucid.errors import LucidError
from lucid.tensor import Tensor

__all__ = ["CheckpointError", "save", "load", "save_safetensors", "load_safetensors",
           "MAGIC", "FORMAT_VERSION"]

MAGIC = b"\x89LCD\r\n\x1a\n"
END_MARKER = b"LCD."
FORMAT_VERSION = 1
_ALIGN = 64
_PREFIX = struct.Struct("<8sIQ")  # magic, version, header length
_TRAILER = struct.Struct("<I4s")  # crc32, end marker
_CHUNK = 8 << 20  # bytes written per call (and per CRC update)
_DTYPE_NAMES = {d.name for d in ALL_DTYPES}
# Test hook: seconds to sleep after each written chunk, so a test can kill a slow save.
_DELAY_ENV = "LUCID_TEST_SAVE_CHUNK_DELAY"


class CheckpointError(LucidError, ValueError):
    """A checkpoint that cannot be read or written; the message names the file."""


# -- encoding: object -> (header node, list of arrays) -------------------------------------
class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[tuple[int, np.ndarray]] = []
        self.size = 0
        self.seen: dict[int, dict] = {}  # id(tensor) -> its node: shared tensors stored once

    def _place(self, arr: np.ndarray) -> dict:
        arr = np.asarray(arr)
        if not arr.flags.c_contiguous:  # (np.ascontiguousarray would make 0-d arrays 1-d)
            arr = arr.copy(order="C")
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        if arr.dtype.name not in _DTYPE_NAMES:
            raise CheckpointError(f"save: cannot store an array of dtype {arr.dtype}; "
                                  f"supported: {sorted(_DTYPE_NAMES)}")
        offset = -(-self.size // _ALIGN) * _ALIGN
        self.size = offset + arr.nbytes
        self.arrays.append((offset, arr))
        return {"dtype": arr.dtype.name, "shape": list(arr.shape), "offset": offset,
                "nbytes": int(arr.nbytes)}

    def encode(self, obj: Any, where: str = "obj") -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj) if math.isfinite(obj) else {"$float": repr(float(obj))}
        if isinstance(obj, Tensor):
            if id(obj) not in self.seen:
                entry = self._place(obj.detach().numpy())
                entry.update(requires_grad=bool(obj.requires_grad), device=str(obj.device))
                self.seen[id(obj)] = {"$tensor": entry}
            return self.seen[id(obj)]
        if isinstance(obj, np.ndarray):
            return {"$ndarray": self._place(obj)}
        if isinstance(obj, np.generic):  # NumPy scalar: stored as the Python value
            return self.encode(obj.item(), where)
        if isinstance(obj, DType):
            return {"$dtype": obj.name}
        if isinstance(obj, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"$tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]}
        if isinstance(obj, Mapping):
            items = []
            for k, v in obj.items():
                if not (k is None or isinstance(k, (str, int, float, bool))):
                    raise CheckpointError(f"save: {where} has a key {k!r} of type "
                                          f"{type(k).__name__}; keys must be str, int, "
                                          "float, bool or None")
                items.append([self.encode(k), self.encode(v, f"{where}[{k!r}]")])
            return {"$dict": items}
        raise CheckpointError(
            f"save: {where} is a {type(obj).__name__}, which a checkpoint cannot hold; "
            "supported: Tensor, numpy array, dict, list, tuple, int, float, bool, str, None "
            "(save a module's state_dict(), not the module)")


# -- writing -------------------------------------------------------------------------------
def _serialize_parts(obj: Any):
    """The file as a list of byte chunks (header first, payload pieces after)."""
    enc = _Encoder()
    root = enc.encode(obj)
    header = {"format": "lucid.lcd", "version": FORMAT_VERSION, "payload_size": enc.size,
              "root": root}
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    start = _PREFIX.size + len(text)
    text += b" " * (-start % _ALIGN)
    parts = [_PREFIX.pack(MAGIC, FORMAT_VERSION, len(text)), text]
    position = 0
    for offset, arr in enc.arrays:
        if offset > position:
            parts.append(bytes(offset - position))
        parts.append(memoryview(arr.reshape(-1).view(np.uint8)) if arr.size else b"")
        position = offset + arr.nbytes
    return parts


def _write_all(f, parts) -> None:
    delay = float(os.environ.get(_DELAY_ENV, "0") or 0)
    crc = 0
    for part in parts:
        view = memoryview(part)
        for i in range(0, len(view), _CHUNK):
            chunk = view[i:i + _CHUNK]
            crc = zlib.crc32(chunk, crc)
            f.write(chunk)
            if delay:
                f.flush()
                time.sleep(delay)
    f.write(_TRAILER.pack(crc & 0xFFFFFFFF, END_MARKER))


def _atomic_write(path: str, write) -> None:
    """Call ``write(file)`` on a temporary file next to ``path``; fsync; rename into place."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable (POSIX; not possible on Windows)
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _is_safetensors(path) -> bool:
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).endswith(".safetensors")


def save(obj: Any, path) -> None:
    """Write ``obj`` (a tensor or a nested dict/list/tuple of tensors, NumPy arrays and
    plain values) to ``path`` atomically.

    ``path`` is a file name (``.lcd`` by convention; ``.safetensors`` switches to
    :func:`save_safetensors`) or a writable binary file object (written in place, not
    atomically).
    """
    if _is_safetensors(path):
        save_safetensors(obj, path)
        return
    try:
        parts = _serialize_parts(obj)
    except RecursionError:  # a self-referencing or absurdly deep object
        raise CheckpointError("save: the object is nested too deeply (or contains itself) "
                              "to be stored") from None
    if hasattr(path, "write"):
        _write_all(path, parts)
        return
    _atomic_write(os.fspath(path), lambda f: _write_all(f, parts))


# -- reading -------------------------------------------------------------------------------
def _read_bytes(path) -> tuple[bytearray, str]:
    if hasattr(path, "read"):
        name = getattr(path, "name", "<file object>")
        return bytearray(path.read()), str(name)
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            buf = bytearray(size)
            n = f.readinto(buf)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no checkpoint at {name!r}") from None
    return buf[:n] if n != size else buf, name


_SIZE_HINT = " (or a size field of the header is damaged)"


def _parse(buf: bytearray, name: str) -> tuple[dict, memoryview]:
    def bad(problem: str) -> CheckpointError:
        return CheckpointError(f"load: {name!r} is not a valid Lucid checkpoint: {problem}")

    if len(buf) < len(MAGIC) or bytes(buf[:len(MAGIC)]) != MAGIC:
        if bytes(buf[:8]) == MAGIC[:len(buf)]:
            raise bad(f"file is truncated ({len(buf)} bytes, shorter than the "
                      f"{_PREFIX.size}-byte prefix)")
        raise bad(f"wrong magic bytes {bytes(buf[:8])!r}, expected {MAGIC!r} "
                  "(is it a .lcd file? use a .safetensors name for safetensors files)")
    if len(buf) < _PREFIX.size:
        raise bad(f"file is truncated ({len(buf)} bytes, shorter than the "
                  f"{_PREFIX.size}-byte prefix)")
    _, version, header_len = _PREFIX.unpack_from(buf, 0)
    if version != FORMAT_VERSION:
        newer = " (written by a newer Lucid; upgrade lucid-core)" if version > 1 else ""
        raise CheckpointError(f"load: {name!r} has .lcd format version {version}, this "
                              f"Lucid reads version {FORMAT_VERSION}{newer}")
    header_end = _PREFIX.size + header_len
    header, expected, header_problem = None, None, None
    if header_end + _TRAILER.size <= len(buf):
        try:
            header = json.loads(bytes(buf[_PREFIX.size:header_end]).decode("utf-8"))
            expected = header_end + int(header["payload_size"]) + _TRAILER.size
            header["root"]  # noqa: B018 - presence check
        except RecursionError:  # e.g. 100,000 nested lists: no legitimate header is that deep
            header, expected = None, None
            header_problem = "nested too deeply to parse"
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            header, expected = None, None
            header_problem = f"{type(exc).__name__}: {exc}"
    # The trailer sits at the very end: check it (and the CRC) before trusting any size.
    crc, marker = _TRAILER.unpack_from(buf, len(buf) - _TRAILER.size)
    actual = zlib.crc32(memoryview(buf)[:len(buf) - _TRAILER.size]) & 0xFFFFFFFF
    intact = marker == END_MARKER and actual == crc
    if intact and header is not None and expected == len(buf):
        return header, memoryview(buf)[header_end:expected - _TRAILER.size]
    # Something is wrong: say what, as precisely as the bytes allow.
    if header is None and header_problem is None:
        raise bad(f"file is truncated: the header of {header_len} bytes ends past the file "
                  f"end ({len(buf)} bytes){_SIZE_HINT}")
    if expected is not None and len(buf) < expected:
        raise bad(f"file is truncated: {len(buf)} bytes, expected {expected}{_SIZE_HINT}")
    if expected is not None and len(buf) > expected and not intact:
        raise bad(f"{len(buf) - expected} unexpected bytes after the end of the checkpoint")
    if header_problem is not None:
        raise bad(f"header is corrupted ({header_problem}); checksum "
                  f"{'matches' if intact else 'mismatch'}")
    if marker != END_MARKER:
        raise bad(f"end marker is {marker!r}, expected {END_MARKER!r} (corrupted trailer)")
    if not intact:
        raise bad(f"checksum mismatch (stored CRC-32 {crc:08x}, computed {actual:08x}): "
                  "the file is corrupted")
    raise bad(f"header sizes are inconsistent ({expected} bytes expected, {len(buf)} found)")


def _resolve_device(stored: str, map_location):
    if map_location is None:
        return to_device(stored)
    if isinstance(map_location, Mapping):
        for key, value in map_location.items():
            if to_device(key) == to_device(stored) or to_device(key).type == stored:
                return to_device(value)
        return to_device(stored)
    if callable(map_location):
        return to_device(map_location(stored))
    return to_device(map_location)


class _Decoder:
    def __init__(self, payload: memoryview, name: str, map_location) -> None:
        self.payload, self.name, self.map_location = payload, name, map_location
        self.tensors: dict[int, Tensor] = {}  # payload offset -> tensor (sharing survives)

    def _array(self, entry: dict) -> np.ndarray:
        dtype, shape = entry["dtype"], tuple(int(s) for s in entry["shape"])
        offset, nbytes = int(entry["offset"]), int(entry["nbytes"])
        if dtype not in _DTYPE_NAMES:
            raise CheckpointError(f"load: {self.name!r} stores unknown dtype {dtype!r}")
        np_dtype = np.dtype(dtype).newbyteorder("<")
        count = math.prod(shape)
        if count * np_dtype.itemsize != nbytes or offset < 0 or \
                offset + nbytes > len(self.payload):
            raise CheckpointError(f"load: {self.name!r} is corrupted: a tensor of shape "
                                  f"{shape} and dtype {dtype} does not fit its {nbytes} bytes "
                                  f"at payload offset {offset}")
        arr = np.frombuffer(self.payload, dtype=np_dtype, count=count, offset=offset)
        return arr.astype(np_dtype.newbyteorder("="), copy=False).reshape(shape)

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict) or len(node) != 1:
            raise CheckpointError(f"load: {self.name!r} has a malformed header node {node!r}")
        (tag, body), = node.items()
        if tag == "$tensor":
            key = int(body["offset"]) if body.get("nbytes") else None
            if key is not None and key in self.tensors:
                return self.tensors[key]
            arr = self._array(body)
            device = _resolve_device(body.get("device", "cpu"), self.map_location)
            t = Tensor(arr, device=device)
            if body.get("requires_grad"):
                t.requires_grad_(True)
            if key is not None:
                self.tensors[key] = t
            return t
        if tag == "$ndarray":
            return self._array(body)
        if tag == "$dict":
            return {self.decode(k): self.decode(v) for k, v in body}
        if tag == "$tuple":
            return tuple(self.decode(v) for v in body)
        if tag == "$float":
            return float(body)
        if tag == "$dtype":
            return to_dtype(body)
        raise CheckpointError(f"load: {self.name!r} has an unknown header tag {tag!r}")


def load(path, map_location=None) -> Any:
    """Read a checkpoint written by :func:`save`.

    ``map_location``: ``None`` (each tensor goes back to the device it was saved from),
    a device (``"cpu"``, ``"gpu"``, ``lucid.device("gpu:0")``) for every tensor, a dict
    ``{"gpu": "cpu"}`` mapping saved devices to new ones, or a callable
    ``saved_device_str -> device``. Tensors keep their dtype and ``requires_grad``.
    """
    if _is_safetensors(path):
        device = "cpu" if map_location is None or isinstance(map_location, Mapping) \
            else map_location
        return load_safetensors(path, device=device)
    buf, name = _read_bytes(path)
    header, payload = _parse(buf, name)
    try:
        return _Decoder(payload, name, map_location).decode(header["root"])
    except CheckpointError:
        raise
    except RecursionError:
        raise CheckpointError(f"load: {name!r} has a malformed header (nested too deeply "
                              "to decode)") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"load: {name!r} has a malformed header "
                              f"({type(exc).__name__}: {exc})") from None


# -- safetensors ---------------------------------------------------------------------------
def _safetensors_numpy():
    try:
        import safetensors.numpy as stn
    except ImportError:
        raise ImportError("the safetensors package is needed for .safetensors files: "
                          "pip install safetensors (or lucid-core[safetensors])") from None
    return stn


def save_safetensors(tensors: Mapping, path, metadata: Mapping | None = None) -> None:
    """Write a flat ``{name: tensor}`` dict (tensors or NumPy arrays) to a ``.safetensors``
    file, atomically. ``metadata`` is an optional ``{str: str}`` dict stored in the file."""
    stn = _safetensors_numpy()
    where = os.fspath(path) if not hasattr(path, "write") else "<file object>"
    if not isinstance(tensors, Mapping):
        raise CheckpointError(f"save: {where!r}: safetensors holds a flat dict of tensors, "
                              f"got {type(tensors).__name__}; use a .lcd path for other "
                              "objects")
    arrays = {}
    for key, value in tensors.items():
        if not isinstance(key, str) or not isinstance(value, (Tensor, np.ndarray)):
            raise CheckpointError(
                f"save: {where!r}: safetensors holds a flat dict of str -> tensor; entry "
                f"{key!r} is a {type(value).__name__}; use a .lcd path for nested state "
                "(or flatten it)")
        arr = value.detach().numpy() if isinstance(value, Tensor) else value
        arrays[key] = arr if arr.flags.c_contiguous else arr.copy(order="C")
    meta = None if metadata is None else {str(k): str(v) for k, v in metadata.items()}
    data = stn.save(arrays, metadata=meta)
    if hasattr(path, "write"):
        path.write(data)
    else:
        _atomic_write(where, lambda f: f.write(data))


def load_safetensors(path, device="cpu") -> dict[str, Tensor]:
    """Read a ``.safetensors`` file into ``{name: Tensor}`` on ``device``."""
    stn = _safetensors_numpy()
    if hasattr(path, "read"):
        name, data = getattr(path, "name", "<file object>"), path.read()
    else:
        name = os.fspath(path)
        if not os.path.exists(name):
            raise FileNotFoundError(f"load: no safetensors file at {name!r}")
        with open(name, "rb") as f:
            data = f.read()
    try:
        arrays = stn.load(data)
    except Exception as exc:  # safetensors raises its own SafetensorError
        raise CheckpointError(f"load: {name!r} is not a valid safetensors file "
                              f"({type(exc).__name__}: {exc})") from None
    device = to_device(device)
    return {k: Tensor(np.array(v), device=device) for k, v in arrays.items()}

