"""Keeping a training step's arrays in the heap: glibc's malloc thresholds.

NumPy allocates every array with ``malloc``. glibc serves a block of at least
``M_MMAP_THRESHOLD`` bytes (128 KiB at start) with fresh pages from ``mmap`` and returns
them to the system on ``free``; the kernel zero-fills each page again on first touch. A
training step allocates and frees the same mid-sized activations and gradients every
step, so it pays those page faults every step: 2-3 of 12.5 ms in the LeNet-5 step, 24 of
105 ms in the Transformer step (``bench/bench_train.py``, 1 thread). PyTorch keeps such
blocks in its own caching allocator.

glibc adapts by itself: each time a mapped block is freed, the threshold rises to its
size (at most 32 MiB on 64-bit systems) and ``M_TRIM_THRESHOLD`` to twice that. Setting
both to those limits from the start (:func:`tune_malloc`, called when this package is
imported) reaches the state glibc converges to, without the page faults on the way:
blocks up to 32 MiB stay in the heap and are reused step after step; larger ones are
still mapped. Peak memory does not change measurably (same benchmark, peak RSS within
1 MiB).

Not done where it does not apply (not Linux with glibc), or where the user chose:
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` set in the environment (glibc
reads them itself), or ``LUCID_NUMPY_MALLOC=default``.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "glibc", "tune_malloc", "TUNED"]

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # what glibc sets with a raised mmap threshold


def glibc() -> ctypes.CDLL | None:
    """This process's C library when it is glibc (musl's ``mallopt`` does nothing)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "gnu_get_libc_version") else None


def tune_malloc(environ=os.environ) -> bool:
    """Set glibc's ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD`` (see the module doc);
    True when both were set, False where it does not apply or the user chose."""
    if environ.get("LUCID_NUMPY_MALLOC") == "default":
        return False
    if "MALLOC_MMAP_THRESHOLD_" in environ or "MALLOC_TRIM_THRESHOLD_" in environ:
        return False
    libc = glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


TUNED = tune_malloc()
