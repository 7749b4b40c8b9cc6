"""The ``@kernel(name)`` decorator that collects this backend's kernels by op name.

NumPy turns 0-d results into scalars (``np.float32``); the decorator wraps kernels so
every result is an ``np.ndarray`` (``multi_output=True`` kernels return a tuple of them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

KERNELS: dict[str, Callable] = {}


def _as_arrays(fn: Callable, multi_output: bool) -> Callable:
    asarray = np.asarray
    if multi_output:
        @functools.wraps(fn)
        def run_multi(*args, **kwargs):
            return tuple(asarray(o) for o in fn(*args, **kwargs))

        return run_multi

    @functools.wraps(fn)
    def run(*args, **kwargs):
        return asarray(fn(*args, **kwargs))

    return run


def kernel(*names: str, multi_output: bool = False):
    """Register the decorated function as the NumPy kernel of each op in ``names``."""

    def add(fn: Callable) -> Callable:
        wrapped = _as_arrays(fn, multi_output)
        for name in names:
            if name in KERNELS:
                raise ValueError(f"numpy backend: kernel {name!r} registered twice")
            KERNELS[name] = wrapped
        return fn

    return add


def ufunc_kernel(*names: str, ufunc) -> None:
    """Register NumPy ``ufunc`` itself as the kernel of ``names``, behind the lightest
    wrapper that still turns 0-d results into arrays (elementwise ops are the hot path:
    no ``*args``/``**kwargs`` packing, and ``np.asarray`` only for NumPy scalars)."""
    ndarray, asarray = np.ndarray, np.asarray
    if ufunc.nin == 1:
        def run(x):
            out = ufunc(x)
            return out if type(out) is ndarray else asarray(out)
    else:
        def run(x, y):
            out = ufunc(x, y)
            return out if type(out) is ndarray else asarray(out)
    run.__name__ = ufunc.__name__
    for name in names:
        if name in KERNELS:
            raise ValueError(f"numpy backend: kernel {name!r} registered twice")
        KERNELS[name] = run
