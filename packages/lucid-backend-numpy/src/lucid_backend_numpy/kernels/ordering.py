"""Kernels of the ordering family: index-producing ops (the values are ``gather``ed in
core) and ``unique``."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


def _descending_key(x):
    """A key whose ascending order is ``x``'s descending order, NaN first (NaN is the
    largest value, as in PyTorch)."""
    if x.dtype.kind == "b":
        return ~x
    if x.dtype.kind == "u":
        return -x.astype(np.int64)
    if x.dtype.kind == "f":
        return np.where(np.isnan(x), -np.inf, -x)
    return -x.astype(np.int64)


@kernel("argsort")
def argsort(x, *, axis, descending):
    key = _descending_key(x) if descending else x
    return np.argsort(key, axis=axis, kind="stable").astype(np.int64, copy=False)


@kernel("argtopk")
def argtopk(x, *, k, axis, largest):
    key = _descending_key(x) if largest else x
    n = x.shape[axis]
    if k == 0:
        return np.zeros(x.shape[:axis] + (0,) + x.shape[axis + 1:], dtype=np.int64)
    if k < n:  # partition first: only the k winners get sorted
        part = np.argpartition(key, k - 1, axis=axis)
        part = np.take(part, np.arange(k), axis=axis)
        order = np.argsort(np.take_along_axis(key, part, axis=axis), axis=axis, kind="stable")
        return np.take_along_axis(part, order, axis=axis).astype(np.int64, copy=False)
    return np.argsort(key, axis=axis, kind="stable").astype(np.int64, copy=False)


@kernel("argkthvalue")
def argkthvalue(x, *, k, axis):
    part = np.argpartition(x, k - 1, axis=axis)
    return np.take(part, [k - 1], axis=axis).astype(np.int64, copy=False)


@kernel("unique", multi_output=True)
def unique(x, *, dim):
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=dim)
    inverse = inverse.reshape(x.shape if dim is None else (x.shape[dim],))
    return values, inverse.astype(np.int64, copy=False), counts.astype(np.int64, copy=False)


@kernel("searchsorted")
def searchsorted(seq, values, *, right):
    side = "right" if right else "left"
    if seq.ndim == 1:
        return np.searchsorted(seq, values, side=side).astype(np.int64, copy=False)
    # One row per leading index: count the sequence entries before each value.
    before = (seq[..., None, :] <= values[..., :, None]) if right else (
        seq[..., None, :] < values[..., :, None])
    return before.sum(axis=-1, dtype=np.int64)
