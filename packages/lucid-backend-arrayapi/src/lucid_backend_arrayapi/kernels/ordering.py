"""Ordering kernels: ``argsort``, ``argtopk``, ``argkthvalue``, ``unique``, ``searchsorted``.

Sorting is the standard's stable ``argsort``; descending order sorts the key
``-x`` (NaN mapped to ``-inf``, so NaN counts as the largest, as in PyTorch); the top ``k``
are the first ``k`` of that order. ``unique`` with ``dim`` compares whole slices, on the
host (its output size depends on the values).
"""

from __future__ import annotations

import numpy as np


def kernels(b) -> dict:
    xp = b.xp

    def descending_key(x):
        if x.dtype == xp.bool:
            return xp.logical_not(x)
        if xp.isdtype(x.dtype, "real floating"):
            return xp.where(xp.isnan(x), xp.asarray(-xp.inf, dtype=x.dtype, device=b.device),
                            -x)
        return -xp.astype(x, xp.int64)

    def argsort(x, *, axis, descending):
        key = descending_key(x) if descending else x
        if x.ndim == 0:
            return xp.zeros((), dtype=xp.int64, device=b.device)
        return xp.astype(xp.argsort(key, axis=axis, stable=True), xp.int64)

    def first(a, k, axis):
        return a[(slice(None),) * (axis % a.ndim) + (slice(0, k), ...)]

    def argtopk(x, *, k, axis, largest):
        return first(argsort(x, axis=axis, descending=largest), k, axis)

    def argkthvalue(x, *, k, axis):
        order = argsort(x, axis=axis, descending=False)
        return order[(slice(None),) * (axis % x.ndim) + (slice(k - 1, k), ...)]

    def unique(x, *, dim):
        host = b.to_numpy(x)
        values, inverse, counts = np.unique(host, return_inverse=True, return_counts=True,
                                            axis=dim)
        inverse = inverse.reshape(host.shape if dim is None else (host.shape[dim],))
        return (b.from_numpy(values), b.from_numpy(inverse.astype(np.int64)),
                b.from_numpy(counts.astype(np.int64)))

    def searchsorted(seq, values, *, right):
        side = "right" if right else "left"
        if seq.ndim == 1:
            return xp.astype(xp.searchsorted(seq, values, side=side), xp.int64)
        before = (seq[..., None, :] <= values[..., :, None]) if right else (
            seq[..., None, :] < values[..., :, None])
        return xp.sum(xp.astype(before, xp.int64), axis=-1)

    return {"argsort": argsort, "argtopk": argtopk, "argkthvalue": argkthvalue,
            "unique": unique, "searchsorted": searchsorted}
