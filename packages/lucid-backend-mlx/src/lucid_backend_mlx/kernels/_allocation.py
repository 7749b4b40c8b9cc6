"""Refuse an allocation MLX cannot make, before MLX is asked to make it.

MLX's allocator does not check for failure: ``mx.zeros((10**6, 10**6))`` (4 TB) builds a
lazy array and the process dies with SIGSEGV when it is evaluated. The creation kernels
(``full``, the random draws, ``arange``/``linspace``/``eye``) call :func:`check` with the
shape they are about to create:

* a dimension past MLX's int32 limit is a ``ShapeError``;
* ``prod(shape) * itemsize`` bytes beyond what the device can hold is a ``MemoryError``
  (NumPy's error for the same request), naming the op, shape, dtype and both sizes.

"What the device can hold" is read only for requests of at least ``LARGE`` bytes, so small
allocations pay one multiplication: on a GPU, MLX's reported memory size; on the CPU, the
memory the OS reports available (``MemAvailable`` plus free swap on Linux, physical memory
elsewhere), capped by the process's address-space limit (``ulimit -v``).
"""

from __future__ import annotations

import math
import os
import resource

import mlx.core as mx

from lucid.errors import ShapeError

LARGE = 1 << 28  # 256 MiB
INT32_MAX = 2**31 - 1


def check(op: str, shape, dtype) -> None:
    """Raise before MLX allocates ``shape`` of the MLX ``dtype`` if it cannot."""
    for n in shape:
        if n > INT32_MAX:
            raise ShapeError(f"{op}: dimension {n} of shape {tuple(shape)} exceeds MLX's "
                             f"limit of {INT32_MAX} elements per dimension")
    nbytes = math.prod(shape) * dtype.size
    if nbytes < LARGE:
        return
    limit = available_bytes()
    if nbytes > limit:
        raise MemoryError(f"{op}: cannot allocate {_human(nbytes)} for shape {tuple(shape)} "
                          f"of {dtype} on MLX's {mx.default_device()}: only {_human(limit)} "
                          "is available (MLX would crash the process instead of failing)")


def available_bytes() -> int:
    """The most bytes one new array can take on MLX's default device now."""
    if mx.default_device() != mx.cpu:
        size = mx.device_info().get("memory_size")
        if size:
            return int(size)
    limit = _host_available()
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft - _address_space_used())
    return max(limit, 0)


def _host_available() -> int:
    try:
        with open("/proc/meminfo") as f:
            fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in f}
        return fields["MemAvailable"] + fields.get("SwapFree", 0)
    except (OSError, KeyError, ValueError, IndexError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _address_space_used() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _human(nbytes: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024 or unit == "TiB":
            return f"{nbytes:.2f} {unit}" if unit != "B" else f"{nbytes} B"
        nbytes /= 1024
    return f"{nbytes} B"  # pragma: no cover
