"""The ``@kernel(name)`` decorator that collects this backend's kernels by op name.

MLX functions already return ``mx.array`` (0-d included), so kernels are stored as they
are; multi-output kernels return a tuple of arrays. The backend wraps each kernel so it
runs on the MLX device of the Lucid device it serves (see ``backend.py``).
"""

from __future__ import annotations

from collections.abc import Callable

KERNELS: dict[str, Callable] = {}


def kernel(*names: str):
    """Register the decorated function as the MLX kernel of each op in ``names``."""

    def add(fn: Callable) -> Callable:
        for name in names:
            if name in KERNELS:
                raise ValueError(f"mlx backend: kernel {name!r} registered twice")
            KERNELS[name] = fn
        return fn

    return add
