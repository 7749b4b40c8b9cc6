"""Shape and indexing ops written with ``getitem``, ``setitem``, ``concatenate``,
``scatter_add``, ``where``, ``full`` and ``arange``.

``split`` = slices; ``pad`` = a filled array with ``x`` set in its middle; ``roll`` = two
slices swapped; ``tril``/``triu`` keep ``j - i <= k`` / ``j - i >= k``; the gradient of
``x[index]`` adds ``g`` at the flat positions ``arange(x.size).reshape(shape)[index]``
(repeated positions accumulate); ``scatter`` replaces what ``scatter_add`` would add to;
``embedding = weight[indices]`` and its gradient adds rows at ``indices``.
"""

from __future__ import annotations

import math

from lucid import dtypes
from lucid.ops.composites import composite, const, ops


def along(axis: int, item) -> tuple:
    """The index selecting ``item`` along ``axis`` (every earlier axis whole)."""
    return (slice(None),) * axis + (item,)


def _zeros(shape, like, dtype=None):
    return ops.full(shape=tuple(shape), fill_value=0, dtype=dtype or like.dtype,
                    device=like.device)


@composite("split")
def split(x, *, indices, axis):
    bounds = [0, *indices, x.shape[axis]]
    return tuple(ops.getitem(x, index=along(axis, slice(a, max(a, b))))
                 for a, b in zip(bounds[:-1], bounds[1:]))


@composite("pad")
def pad(x, *, pad_width, value):
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad_width))
    out = ops.full(shape=shape, fill_value=value, dtype=x.dtype, device=x.device)
    middle = tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape, pad_width))
    return ops.setitem(out, x, index=middle)


@composite("roll")
def roll(x, *, shifts, axes):
    if axes is None:
        flat = ops.reshape(x, shape=(math.prod(x.shape),))
        return ops.reshape(roll(flat, shifts=shifts, axes=0), shape=x.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    for shift, axis in zip(shifts, axes):
        axis %= len(x.shape)
        n = x.shape[axis]
        if n == 0 or shift % n == 0:
            continue
        cut = n - shift % n
        x = ops.concatenate(ops.getitem(x, index=along(axis, slice(cut, None))),
                            ops.getitem(x, index=along(axis, slice(0, cut))), axis=axis)
    return x


def _band(x, k, lower: bool):
    rows, cols = x.shape[-2], x.shape[-1]
    i = ops.reshape(ops.arange(start=0, stop=rows, step=1, dtype=dtypes.int64,
                               device=x.device), shape=(rows, 1))
    j = ops.reshape(ops.arange(start=0, stop=cols, step=1, dtype=dtypes.int64,
                               device=x.device), shape=(1, cols))
    offset = ops.add(i, const(k, i))  # keep j <= i + k (lower) or j >= i + k (upper)
    keep = ops.logical_not(ops.lt(offset, j)) if lower else ops.logical_not(ops.lt(j, offset))
    return ops.where(keep, x, const(0, x))


@composite("tril")
def tril(x, *, k):
    return _band(x, k, lower=True)


@composite("triu")
def triu(x, *, k):
    return _band(x, k, lower=False)


def _flat_positions(shape, index, device):
    size = math.prod(shape)
    grid = ops.reshape(ops.arange(start=0, stop=size, step=1, dtype=dtypes.int64,
                                  device=device), shape=tuple(shape))
    return ops.getitem(grid, index=index)


@composite("getitem_grad")
def getitem_grad(g, *, index, shape):
    positions = _flat_positions(shape, index, g.device)
    count = math.prod(positions.shape)
    flat_g = ops.reshape(ops.broadcast_to(g, shape=positions.shape), shape=(count,))
    total = ops.scatter_add(_zeros((math.prod(shape),), g),
                            ops.reshape(positions, shape=(count,)), flat_g, dim=0)
    return ops.reshape(total, shape=tuple(shape))


@composite("scatter")
def scatter(x, index, src, *, dim):
    src = ops.getitem(src, index=tuple(slice(0, n) for n in index.shape))
    ones = ops.full(shape=index.shape, fill_value=1, dtype=dtypes.int64, device=x.device)
    hits = ops.scatter_add(_zeros(x.shape, x, dtypes.int64), index, ones, dim=dim)
    written = ops.scatter_add(_zeros(x.shape, x), index, src, dim=dim)
    return ops.where(ops.lt(const(0, hits), hits), written, x)


@composite("embedding")
def embedding(indices, weight, *, padding_idx, zero_padding):
    out = ops.getitem(weight, index=(indices.numpy(),))
    if zero_padding and padding_idx is not None:
        pad_rows = ops.reshape(ops.eq(indices, const(padding_idx, indices)),
                               shape=(*indices.shape, 1))
        out = ops.where(pad_rows, const(0, out), out)
    return out


@composite("embedding_backward")
def embedding_backward(g, indices, *, num_weights, padding_idx):
    dim = g.shape[-1]
    rows = ops.reshape(indices, shape=(math.prod(indices.shape), 1))
    count = rows.shape[0]
    index = ops.broadcast_to(rows, shape=(count, dim))
    out = ops.scatter_add(_zeros((num_weights, dim), g), index,
                          ops.reshape(g, shape=(count, dim)), dim=0)
    if padding_idx is not None:
        out = ops.setitem(out, _zeros((dim,), g), index=(padding_idx,))
    return out
