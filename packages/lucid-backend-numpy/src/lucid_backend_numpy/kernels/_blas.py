"""The thread count of NumPy's bundled OpenBLAS, read and set through its C API.

NumPy wheels ship OpenBLAS in ``numpy.libs`` with ``scipy_openblas_get/set_num_threads``
(``64_`` suffix for the ILP64 build); other builds name them ``openblas_...``. When no
such library is found (NumPy on MKL, Accelerate, a system BLAS), :func:`threads` is None
and :func:`single_threaded` does nothing.

:func:`single_threaded` is for the batch-parallel kernels (:mod:`_parallel`): Lucid's
threads each run single-threaded GEMMs; letting OpenBLAS start its own threads inside
them would put 2x the threads on the cores (measured 2x slower on 2 cores).
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import threading

import numpy as np

_lock = threading.Lock()
_users = 0
_saved: int | None = None
_api: tuple | None = None


def _find_api():
    """``(get, set)`` C functions of NumPy's OpenBLAS, or ``(None, None)``."""
    root = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    for path in sorted(glob.glob(os.path.join(root, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    put.argtypes = [ctypes.c_int]
                    return get, put
    return None, None


def _functions():
    global _api
    if _api is None:
        _api = _find_api()
    return _api


def threads() -> int | None:
    """OpenBLAS's thread count, or None when NumPy's BLAS is not a known OpenBLAS."""
    get, _ = _functions()
    return int(get()) if get is not None else None


def set_threads(count: int) -> None:
    """Set OpenBLAS's thread count (no effect without a known OpenBLAS)."""
    _, put = _functions()
    if put is not None:
        put(int(count))


@contextlib.contextmanager
def single_threaded():
    """OpenBLAS on one thread while the block runs (re-entrant and thread-safe: the
    first entrant saves the count, the last one out restores it)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = threads()
            if _saved is not None and _saved > 1:
                set_threads(1)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None and _saved > 1:
                set_threads(_saved)
