"""Kernels of the indexing ops: ``getitem``, ``getitem_grad``, ``setitem``, ``gather``,
``scatter``, ``scatter_add``, ``nonzero``.

``index`` parameters arrive canonical (see ``lucid.ops._index``): ints, slices, None and
int64 arrays, all in bounds, so they go to NumPy as they are.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


def _has_arrays(index) -> bool:
    return any(isinstance(e, np.ndarray) for e in index)


@kernel("getitem")
def getitem(x, *, index):
    return x[index]  # a view for basic indices


@kernel("getitem_grad")
def getitem_grad(g, *, index, shape):
    out = np.zeros(shape, dtype=g.dtype)
    if _has_arrays(index):
        np.add.at(out, index, g)  # repeated indices accumulate
    else:
        out[index] = g
    return out


@kernel("setitem")
def setitem(x, value, *, index):
    out = x.copy()
    out[index] = value
    return out


def _grid(index, dim: int):
    """The full NumPy index selecting, for each position of ``index``, the element along
    ``dim`` that ``index`` names and the same position along every other dim."""
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    return tuple(grid)


@kernel("gather")
def gather(x, index, *, dim):
    return x[_grid(index, dim)]


@kernel("scatter")
def scatter(x, index, src, *, dim):
    out = x.copy()
    out[_grid(index, dim)] = src
    return out


@kernel("scatter_add")
def scatter_add(x, index, src, *, dim):
    out = x.copy()
    np.add.at(out, _grid(index, dim), src)
    return out


@kernel("nonzero")
def nonzero(x):
    return np.argwhere(x).astype(np.int64)
