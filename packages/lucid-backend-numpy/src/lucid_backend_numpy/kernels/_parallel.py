"""Batch-parallel kernels: slices of the batch computed in a small thread pool.

NumPy releases the GIL inside BLAS calls and in its copy and ufunc loops, so kernels
whose work is mostly GEMMs that OpenBLAS runs single-threaded (the blocked thin GEMMs of
:mod:`_conv_batch_last`) scale over cores when each thread takes a slice of the batch:
``f(x) = concat_i f(x[s_i])`` for per-sample outputs, ``dw = sum_i dw(x[s_i], g[s_i])``
for a weight gradient. Scratch buffers are per thread (:func:`_im2col.scratch`), and
OpenBLAS is held to one thread while the slices run (:func:`_blas.single_threaded`).

The thread count is ``LUCID_NUM_THREADS``, else ``OMP_NUM_THREADS`` /
``OPENBLAS_NUM_THREADS`` (so limiting BLAS limits Lucid too), else the CPUs this
process may run on; :func:`set_num_threads` changes it at run time. Work smaller than
:data:`MIN_WORK` multiply-adds per thread, or inside a worker thread, runs serially.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from lucid_backend_numpy.kernels._blas import single_threaded

# Multiply-adds per thread below which a kernel runs serially. Measured on 2 cores:
# ResNet-sized kernels (~600M per thread) run 2x faster on 2 threads; LeNet-sized ones
# (10-30M in all) gain 20-35 % when timed alone but lose 5-15 % inside a LeNet-5
# training step (measured per kernel over 100 steps), so they stay serial.
MIN_WORK = 16_000_000

_state = threading.local()
_lock = threading.Lock()
_threads: int | None = None
_pool: ThreadPoolExecutor | None = None


def _default_threads() -> int:
    for name in ("LUCID_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def num_threads() -> int:
    """Threads the batch-parallel kernels use."""
    global _threads
    if _threads is None:
        _threads = _default_threads()
    return _threads


def set_num_threads(count: int) -> None:
    """Use ``count`` threads (``1``: everything serial) from now on."""
    global _threads, _pool
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"set_num_threads: count must be a positive int, got {count!r}")
    with _lock:
        _threads = count
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max(num_threads() - 1, 1),
                                       thread_name_prefix="lucid-numpy")
        return _pool


def batch_slices(n: int, work: float) -> list[slice]:
    """Contiguous slices of a batch of ``n`` samples, one per thread, for a kernel of
    ``work`` multiply-adds in all (one slice when splitting does not pay)."""
    threads = min(num_threads(), n, int(work // MIN_WORK))
    if threads <= 1 or getattr(_state, "worker", False):
        return [slice(0, n)]
    bounds = [n * i // threads for i in range(threads + 1)]
    return [slice(lo, hi) for lo, hi in zip(bounds, bounds[1:])]


def map_slices(fn, slices: list[slice]) -> list:
    """``[fn(s) for s in slices]``: the first slice on the calling thread, the others in
    the pool at the same time."""
    if len(slices) == 1:
        return [fn(slices[0])]
    with single_threaded():
        futures = [_executor().submit(_in_worker, fn, s) for s in slices[1:]]
        first = _in_worker(fn, slices[0])
        return [first] + [f.result() for f in futures]


def _in_worker(fn, part):
    """``fn(part)`` with nested kernels kept serial."""
    nested = getattr(_state, "worker", False)
    _state.worker = True
    try:
        return fn(part)
    finally:
        _state.worker = nested


def concat_over_batch(fn, work: float, out_shape, dtype, *arrays):
    """``fn(*arrays)`` for a kernel whose output ``out_shape`` is per sample (batch axis
    0 of every array and of the output): each thread computes a batch slice and writes
    it into its rows of the output."""
    slices = batch_slices(arrays[0].shape[0], work)
    if len(slices) == 1:
        return fn(*arrays)
    out = np.empty(out_shape, dtype)

    def part(s):
        out[s] = fn(*(a[s] for a in arrays))

    map_slices(part, slices)
    return out


def sum_over_batch(fn, work: float, *arrays):
    """``fn(*arrays)`` for a kernel that sums over the batch (a weight gradient):
    computed per batch slice and the partial results added."""
    slices = batch_slices(arrays[0].shape[0], work)
    if len(slices) == 1:
        return fn(*arrays)
    parts = map_slices(lambda s: fn(*(a[s] for a in arrays)), slices)
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total
