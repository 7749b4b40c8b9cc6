"""Kernels of the indexing ops: ``getitem``, ``getitem_grad``, ``setitem``, ``gather``,
``scatter``, ``scatter_add``, ``nonzero``.

``index`` parameters arrive canonical (see ``lucid.ops._index``): ints, slices, None and
int64 NumPy arrays, in bounds. MLX indexes with NumPy semantics, so the only step is
turning the NumPy index arrays into ``mx.array``.
"""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np

from lucid_backend_mlx.kernels._registry import kernel


def _scatter_device(dtype):
    """Where a scatter of ``dtype`` runs: MLX's GPU scatter has no 64-bit integers, so
    those scatters run on MLX's CPU device (unified memory: nothing is copied)."""
    if dtype in (mx.int64, mx.uint64) and mx.default_device() == mx.gpu:
        return mx.cpu
    return mx.default_device()


def _mx_index(index):
    return tuple(mx.array(e) if isinstance(e, np.ndarray) else e for e in index)


@kernel("getitem")
def getitem(x, *, index):
    return x[_mx_index(index)]


@kernel("getitem_grad")
def getitem_grad(g, *, index, shape):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate)."""
    with mx.stream(_scatter_device(g.dtype)):
        return mx.zeros(shape, dtype=g.dtype).at[_mx_index(index)].add(g)


@kernel("setitem")
def setitem(x, value, *, index):
    with mx.stream(_scatter_device(x.dtype)):
        out = mx.array(x)
        out[_mx_index(index)] = value
        return out


def _grid(index, dim: int):
    """The full index selecting, for each position of ``index``, the element along ``dim``
    that ``index`` names and the same position along every other dim."""
    grid = []
    for d, n in enumerate(index.shape):
        if d == dim:
            grid.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            grid.append(mx.arange(n).reshape(shape))
    return tuple(grid)


@kernel("gather")
def gather(x, index, *, dim):
    return x[_grid(index, dim)]


@kernel("scatter")
def scatter(x, index, src, *, dim):
    with mx.stream(_scatter_device(x.dtype)):
        out = mx.array(x)
        out[_grid(index, dim)] = src
        return out


@kernel("scatter_add")
def scatter_add(x, index, src, *, dim):
    with mx.stream(_scatter_device(x.dtype)):
        return x.at[_grid(index, dim)].add(src)


@kernel("nonzero")
def nonzero(x):
    """Coordinates ``(count, ndim)`` of the nonzero elements, in row-major order.

    The output's length depends on the values, so the count is read back (one
    evaluation); the positions come from sorting ``flat index`` keys in which zeros are
    pushed past the end, and are unravelled with the strides of ``x``."""
    flat = mx.reshape(x, (-1,)) != 0
    size = flat.size
    count = int(mx.sum(flat).item())
    order = mx.arange(size, dtype=mx.int64)
    keys = mx.sort(mx.where(flat, order, order + size))[:count]
    coords = []
    for axis in range(x.ndim):
        stride = math.prod(x.shape[axis + 1:])
        coords.append((keys // stride) % x.shape[axis])
    if not coords:
        return mx.zeros((count, 0), dtype=mx.int64)
    return mx.stack(coords, axis=1)
