"""Kernels of the product family: ``einsum`` (``matmul`` lives in ``basic.py``; dot,
tensordot, trace ... are compositions in core)."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel

# Below this many input elements the contraction-path search costs more than it saves.
_OPTIMIZE_MIN_SIZE = 2048


@kernel("einsum")
def einsum(*arrays, subscripts):
    # Two or more operands: let NumPy pick a contraction order and hand pairwise
    # contractions to BLAS (tensordot); one operand is a plain (diagonal/sum) loop.
    optimize = len(arrays) > 2 or (
        len(arrays) == 2 and sum(a.size for a in arrays) >= _OPTIMIZE_MIN_SIZE)
    out = np.einsum(subscripts, *arrays, optimize="greedy" if optimize else False)
    if isinstance(out, np.ndarray) and not out.flags.owndata:
        out = out.copy()  # "ii->i" and friends return views of the input
    return out
