"""Indexing kernels: ``getitem`` and its gradient, ``setitem``, ``gather``, ``scatter``,
``scatter_add``, ``nonzero``, ``embedding`` and its gradient.

A basic index (ints, slices, None) indexes the array directly. An index holding integer
arrays (the standard allows them only next to ints) becomes flat positions on the host,
then one ``take`` from the flattened array; writes go through :mod:`.update`.
``gather`` is ``take_along_axis`` of ``x`` cut to the index's extent on the other axes.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_arrayapi.kernels.update import flat_positions, scatter


def _has_arrays(index) -> bool:
    return any(isinstance(e, np.ndarray) for e in index)


def kernels(b) -> dict:
    xp = b.xp

    def take_flat(x, positions):
        got = xp.take(xp.reshape(x, (-1,)), b.from_numpy(positions.reshape(-1)))
        return xp.reshape(got, positions.shape)

    def getitem(x, *, index):
        if not _has_arrays(index):
            return x[(*index, ...)]  # the standard wants every axis named
        return take_flat(x, flat_positions(x.shape, index))

    def getitem_grad(g, *, index, shape):
        zeros = xp.zeros(tuple(shape), dtype=g.dtype, device=b.device)
        return scatter(b, zeros, flat_positions(shape, index), g, add=_has_arrays(index))

    def setitem(x, value, *, index):
        positions = flat_positions(x.shape, index)
        value = xp.broadcast_to(b.asarray(value, x), positions.shape)  # VJPs pass numbers
        return scatter(b, x, positions, value, add=False)

    def cut(a, shape):
        return a[(*(slice(0, n) for n in shape), ...)]

    def gather(x, index, *, dim):
        keep = tuple(n if i != dim else x.shape[dim] for i, n in enumerate(index.shape))
        return xp.take_along_axis(cut(x, keep), index, axis=dim)

    def grid_positions(x, index, dim):
        host = b.to_numpy(index)
        grid = list(np.ogrid[tuple(slice(n) for n in host.shape)])
        grid[dim] = host
        return flat_positions(x.shape, tuple(grid))

    def scatter_kernel(add):
        def run(x, index, src, *, dim):
            return scatter(b, x, grid_positions(x, index, dim), cut(src, index.shape), add)

        return run

    def nonzero(x):
        found = xp.nonzero(x)
        if not found:  # a 0-d input: one hit of no coordinates, or none
            return xp.zeros((int(bool(x)), 0), dtype=xp.int64, device=b.device)
        return xp.astype(xp.stack(found, axis=1), xp.int64)

    def embedding(indices, weight, *, padding_idx, zero_padding):
        rows = xp.take(weight, xp.reshape(indices, (-1,)), axis=0)
        out = xp.reshape(rows, (*indices.shape, weight.shape[1]))
        if zero_padding and padding_idx is not None:
            out = xp.where((indices == padding_idx)[..., None], xp.zeros_like(out), out)
        return out

    def embedding_backward(g, indices, *, num_weights, padding_idx):
        zeros = xp.zeros((num_weights, g.shape[-1]), dtype=g.dtype, device=b.device)
        host = b.to_numpy(indices).reshape(-1)
        rows = (host[:, None] * g.shape[-1] + np.arange(g.shape[-1]))
        out = scatter(b, zeros, rows, xp.reshape(g, (-1, g.shape[-1])), add=True)
        if padding_idx is not None:
            keep = xp.arange(num_weights, device=b.device)[:, None] != padding_idx
            out = xp.where(keep, out, xp.zeros_like(out))
        return out

    return {"getitem": getitem, "getitem_grad": getitem_grad, "setitem": setitem,
            "gather": gather, "scatter": scatter_kernel(False),
            "scatter_add": scatter_kernel(True), "nonzero": nonzero, "embedding": embedding,
            "embedding_backward": embedding_backward}
