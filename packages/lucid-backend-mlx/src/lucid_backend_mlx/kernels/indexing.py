"""Kernels of the indexing ops: ``getitem``, ``getitem_grad``, ``setitem``, ``gather``,
``scatter``, ``scatter_add``, ``nonzero``.

``index`` parameters arrive canonical (see ``lucid.ops._index``): ints, slices, None and
int64 NumPy arrays, in bounds, with NumPy semantics. MLX follows NumPy for most indices;
where it does not (index arrays mixed with ``None`` or split by a slice), the kernels use
the flat source position of every output element instead, computed once by NumPy on the
index alone (``np.arange(size).reshape(shape)[index]``), which is NumPy's rule exactly.
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


def _needs_flat(index) -> bool:
    """Index arrays together with None, or separated by a slice/None: MLX's layout of the
    result may differ from NumPy's there."""
    arrays = [i for i, e in enumerate(index) if isinstance(e, np.ndarray)]
    if not arrays:
        return False
    return any(e is None for e in index) or arrays[-1] - arrays[0] + 1 != len(arrays)


def _flat_positions(index, shape) -> mx.array:
    """For each element of ``x[index]``, its position in ``x.reshape(-1)`` (NumPy's rule)."""
    return mx.array(np.arange(math.prod(shape), dtype=np.int64).reshape(shape)[index])


@kernel("getitem")
def getitem(x, *, index):
    if _needs_flat(index):
        return x.reshape(-1)[_flat_positions(index, x.shape)]
    return x[_mx_index(index)]


@kernel("getitem_grad")
def getitem_grad(g, *, index, shape):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate)."""
    if g.size == 0:  # MLX refuses 0-sized updates; nothing is added
        return mx.zeros(shape, dtype=g.dtype)
    with mx.stream(_scatter_device(g.dtype)):
        if _needs_flat(index):
            flat = mx.zeros((math.prod(shape),), dtype=g.dtype)
            return flat.at[_flat_positions(index, shape)].add(g).reshape(shape)
        return mx.zeros(shape, dtype=g.dtype).at[_mx_index(index)].add(g)


@kernel("setitem")
def setitem(x, value, *, index):
    with mx.stream(_scatter_device(x.dtype)):
        if _needs_flat(index):
            positions = _flat_positions(index, x.shape)
            out = mx.array(x).reshape(-1)
            out[positions] = mx.broadcast_to(value, positions.shape)
            return out.reshape(x.shape)
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
    if index.size == 0:  # nothing to write (MLX refuses 0-sized updates)
        return mx.array(x)
    with mx.stream(_scatter_device(x.dtype)):
        out = mx.array(x)
        out[_grid(index, dim)] = src
        return out


@kernel("scatter_add")
def scatter_add(x, index, src, *, dim):
    if index.size == 0:
        return mx.array(x)
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
