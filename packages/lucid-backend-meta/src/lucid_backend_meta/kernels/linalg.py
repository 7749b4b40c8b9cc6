"""Linear algebra on ``(..., m, n)`` stacks: factor shapes from ``m``, ``n`` and
``k = min(m, n)``; the batch dims ``...`` carry through."""

from __future__ import annotations

import numpy as np

from lucid_backend_meta.array import MetaArray
from lucid_backend_meta.kernels._registry import kernel, like


@kernel("inv", "cholesky")
def square(a: MetaArray, **params) -> MetaArray:
    return like(a)


@kernel("det")
def det(a: MetaArray) -> MetaArray:
    return like(a, a.shape[:-2])


@kernel("slogdet")
def slogdet(a: MetaArray) -> tuple[MetaArray, MetaArray]:
    """The sign and ``log |det|``, one per matrix."""
    return like(a, a.shape[:-2]), like(a, a.shape[:-2])


@kernel("eig", "eigh")
def eig(a: MetaArray, **params) -> tuple[MetaArray, MetaArray]:
    """Eigenvalues ``(..., n)`` and eigenvectors ``(..., n, n)`` (real: Lucid has no
    complex dtype)."""
    return like(a, a.shape[:-1]), like(a)


@kernel("qr")
def qr(a: MetaArray, *, mode) -> tuple[MetaArray, MetaArray]:
    """``reduced``: ``Q (m, k)``, ``R (k, n)``; ``complete``: ``Q (m, m)``, ``R (m, n)``;
    ``r``: an empty ``Q`` and ``R (k, n)``."""
    *batch, m, n = a.shape
    k = min(m, n)
    if mode == "complete":
        return like(a, (*batch, m, m)), like(a, a.shape)
    r = like(a, (*batch, k, n))
    return (like(a, (0,)), r) if mode == "r" else (like(a, (*batch, m, k)), r)


@kernel("svd")
def svd(a: MetaArray, *, full_matrices) -> tuple[MetaArray, MetaArray, MetaArray]:
    """``U (m, k|m)``, ``S (k)``, ``Vh (k|n, n)``."""
    *batch, m, n = a.shape
    k = min(m, n)
    u, v = (m, n) if full_matrices else (k, k)
    return like(a, (*batch, m, u)), like(a, (*batch, k)), like(a, (*batch, v, n))


@kernel("pinv")
def pinv(a: MetaArray, **params) -> MetaArray:
    return like(a, a.shape[:-2] + (a.shape[-1], a.shape[-2]))


@kernel("solve")
def solve(a: MetaArray, b: MetaArray) -> MetaArray:
    """``X`` with ``A X = B``: ``B``'s shape, batch dims broadcast with ``A``'s."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return MetaArray(batch + b.shape[-2:], np.result_type(a.dtype, b.dtype))
