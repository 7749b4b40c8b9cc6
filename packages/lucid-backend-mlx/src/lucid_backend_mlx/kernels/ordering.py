"""Kernels of the ordering ops: ``argsort``, ``argtopk``, ``argkthvalue``, ``unique``.

Lucid's sort is stable (equal values keep their order, also when descending) and puts
NaN above every number. MLX's ``argsort`` promises neither, so :func:`stable_argsort`
builds both from it:

1. ``perm = argsort(v)`` with NaN replaced by ``+inf`` (ties in any order);
2. ``g`` = the group of equal values of each sorted element (a running count of value
   changes), ``nan`` = whether it was NaN;
3. the permutation sorted again by the unique integer key
   ``(g * 2 + nan) * n + index`` (descending: ``(G - g) * 2 + (1 - nan)``), which puts
   NaN after ``+inf`` and orders equal values by their original position.
"""

from __future__ import annotations

import math

import mlx.core as mx

from lucid_backend_mlx.kernels._registry import kernel


def _is_float(x) -> bool:
    return mx.issubdtype(x.dtype, mx.inexact)


def stable_argsort(x, descending: bool = False):
    """Stable argsort along the last axis (int64), NaN largest."""
    n = x.shape[-1]
    if n == 0:
        return mx.zeros(x.shape, dtype=mx.int64)
    if _is_float(x):
        nan = mx.isnan(x)
        v = mx.where(nan, mx.array(float("inf"), dtype=x.dtype), x)
    else:
        nan = mx.zeros(x.shape, dtype=mx.bool_)
        v = x.astype(mx.int64) if x.dtype == mx.bool_ else x
    perm = mx.argsort(v, axis=-1).astype(mx.int64)
    v_sorted = mx.take_along_axis(v, perm, axis=-1)
    nan_sorted = mx.take_along_axis(nan, perm, axis=-1).astype(mx.int64)
    changes = (v_sorted[..., 1:] != v_sorted[..., :-1]).astype(mx.int64)
    group = mx.concatenate([mx.zeros(changes.shape[:-1] + (1,), dtype=mx.int64),
                            mx.cumsum(changes, axis=-1)], axis=-1)
    if descending:
        group = group[..., -1:] - group
        nan_sorted = 1 - nan_sorted
    key = (group * 2 + nan_sorted) * n + perm
    order = mx.argsort(key, axis=-1)
    return mx.take_along_axis(perm, order, axis=-1)


def _along(x, axis, fn):
    """Apply a last-axis function along ``axis``."""
    last = x.ndim - 1
    if axis == last:
        return fn(x)
    return mx.swapaxes(fn(mx.swapaxes(x, axis, last)), axis, last)


@kernel("argsort")
def argsort(x, *, axis, descending):
    return _along(x, axis, lambda v: stable_argsort(v, descending))


@kernel("argtopk")
def argtopk(x, *, k, axis, largest):
    return _along(x, axis, lambda v: stable_argsort(v, descending=largest)[..., :k])


@kernel("argkthvalue")
def argkthvalue(x, *, k, axis):
    return _along(x, axis, lambda v: stable_argsort(v)[..., k - 1:k])


def _first_positions(flags, count: int):
    """Positions of the ``True`` entries of a 1-D bool array, ascending."""
    n = flags.shape[0]
    order = mx.arange(n, dtype=mx.int64)
    return mx.sort(mx.where(flags, order, order + n))[:count]


@kernel("unique")
def unique(x, *, dim):
    """Sorted distinct values (or slices along ``dim``), inverse positions, counts.

    Rows are sorted lexicographically by stable sorts from the last column to the first;
    a new value starts wherever a sorted row differs from the one before (NaNs count as
    equal, as NumPy's ``unique``). The number of distinct values decides the output
    shape, so it is read back (one evaluation)."""
    if dim is None:
        rows = x.reshape(-1, 1)
    else:
        moved = mx.moveaxis(x, dim, 0)
        rows = moved.reshape(moved.shape[0], -1)
    m = rows.shape[0]
    order = mx.arange(m, dtype=mx.int64)
    for col in range(rows.shape[1] - 1, -1, -1):
        order = order[stable_argsort(rows[order, col])]
    ranked = rows[order]
    if m:
        differ = ranked[1:] != ranked[:-1]
        if _is_float(ranked):
            differ = differ & ~(mx.isnan(ranked[1:]) & mx.isnan(ranked[:-1]))
        flags = mx.concatenate([mx.array([True]), mx.any(differ, axis=1)])
    else:
        flags = mx.zeros((0,), dtype=mx.bool_)
    count = int(mx.sum(flags).item())
    first = _first_positions(flags, count)
    group = mx.cumsum(flags.astype(mx.int64)) - 1
    # inverse[order[i]] = group[i], as a gather through the inverse permutation
    # (MLX's GPU scatter has no int64)
    inverse = group[mx.argsort(order)] if m else mx.zeros((0,), dtype=mx.int64)
    counts = mx.diff(mx.concatenate([first, mx.array([m], dtype=mx.int64)]))
    values = ranked[first]
    if dim is None:
        return values.reshape(-1), inverse.reshape(x.shape), counts
    values = values.reshape((count,) + moved.shape[1:])
    return mx.moveaxis(values, 0, dim), inverse, counts


@kernel("searchsorted")
def searchsorted(seq, values, *, right):
    """Insertion positions of ``values`` in the sorted last axis of ``seq`` (``right``:
    after equal entries), by a vectorised binary search: ``ceil(log2(n + 1))`` rounds,
    each one gather and one comparison for every value at once."""
    n = seq.shape[-1]
    if n == 0:
        return mx.zeros(values.shape, dtype=mx.int64)
    batched = seq.ndim > 1
    lead = math.prod(seq.shape[:-1])
    rows = seq.reshape(lead, n) if batched else seq
    flat = values.reshape(lead, -1) if batched else values.reshape(-1)
    lo = mx.zeros(flat.shape, dtype=mx.int64)
    hi = mx.full(flat.shape, n, dtype=mx.int64)
    for _ in range(n.bit_length()):
        mid = (lo + hi) // 2
        probe = mx.minimum(mid, n - 1)
        found = (mx.take_along_axis(rows, probe, axis=-1) if batched
                 else mx.take(rows, probe))
        go_right = found <= flat if right else found < flat
        active = lo < hi
        lo = mx.where(active & go_right, mid + 1, lo)
        hi = mx.where(active & ~go_right, mid, hi)
    return lo.reshape(values.shape)
