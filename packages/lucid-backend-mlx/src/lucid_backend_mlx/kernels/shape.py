"""Kernels of the shape ops: ``concatenate``, ``split``, ``pad``, ``roll``, ``tril``,
``triu``."""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels._registry import kernel


@kernel("concatenate")
def concatenate(*xs, axis):
    return mx.concatenate(list(xs), axis=axis)


@kernel("split")
def split(x, *, indices, axis):
    return tuple(mx.split(x, list(indices), axis=axis))


@kernel("pad")
def pad(x, *, pad_width, value):
    return mx.pad(x, [tuple(p) for p in pad_width], constant_values=value)


@kernel("roll")
def roll(x, *, shifts, axes):
    return mx.roll(x, shifts, axis=axes)


def _band(x, k, lower: bool):
    """Keep ``j - i <= k`` (lower) or ``j - i >= k`` (upper) of the last two dims."""
    rows, cols = x.shape[-2], x.shape[-1]
    keep = mx.tri(rows, cols, k, dtype=mx.bool_)
    if not lower:
        keep = mx.logical_not(mx.tri(rows, cols, k - 1, dtype=mx.bool_))
    return mx.where(keep, x, mx.zeros((), dtype=x.dtype))


@kernel("tril")
def tril(x, *, k):
    return _band(x, k, lower=True)


@kernel("triu")
def triu(x, *, k):
    return _band(x, k, lower=False)
