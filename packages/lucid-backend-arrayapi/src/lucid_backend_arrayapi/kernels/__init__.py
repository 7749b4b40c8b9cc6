"""Kernels written once against the Array API standard, one module per op family.

Each module defines ``kernels(b)``, returning ``{op name: function}`` for a bound
backend view ``b`` (its namespace is ``b.xp``, its device ``b.device``); :func:`build`
merges them. A module may return a library's faster function where one exists (``erf``
from the library's special functions, scatter-add as a native scatter): that is the
"plus what pays" part; the standard-only path stays for every other library.
"""

from __future__ import annotations

import functools
import importlib

MODULES = ("elementwise", "reduction", "movement", "creation", "indexing", "products",
           "ordering", "random", "linalg")


def build(b) -> dict:
    table: dict = {}
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for op, fn in module.kernels(b).items():
            if op in table:
                raise ValueError(f"arrayapi backend: kernel {op!r} defined twice")
            table[op] = fn
    if b.library == "numpy":  # NumPy turns 0-d results into scalars: make them arrays
        table = {op: _arrays_out(fn) for op, fn in table.items()}
    return table


def _arrays_out(fn):
    import numpy as np

    @functools.wraps(fn)
    def run(*arrays, **params):
        out = fn(*arrays, **params)
        if isinstance(out, tuple):
            return tuple(np.asarray(o) for o in out)
        return np.asarray(out)

    return run
