"""Ordering ops written with ``argsort`` (stable), comparisons, ``sum``, ``cumsum`` and
``nonzero``.

``argtopk`` = the first ``k`` of a (descending) stable argsort; ``argkthvalue`` = entry
``k - 1`` of an ascending one; ``searchsorted`` counts the sorted entries ``< v`` (left) or
``<= v`` (right); ``unique`` sorts (rows lexicographically, by one stable argsort per
column from the last), marks where a value differs from its predecessor, and numbers
the groups with a cumulative sum.
"""

from __future__ import annotations

import math

from lucid import dtypes
from lucid.ops.composites import composite, const, ops
from lucid.ops.composites.shape import along


@composite("argtopk")
def argtopk(x, *, k, axis, largest):
    order = ops.argsort(x, axis=axis, descending=bool(largest))
    return ops.getitem(order, index=along(axis % len(x.shape), slice(0, k)))


@composite("argkthvalue")
def argkthvalue(x, *, k, axis):
    order = ops.argsort(x, axis=axis, descending=False)
    return ops.getitem(order, index=along(axis % len(x.shape), slice(k - 1, k)))


@composite("searchsorted")
def searchsorted(seq, values, *, right):
    s = ops.reshape(seq, shape=(*seq.shape[:-1], 1, seq.shape[-1]))
    v = ops.reshape(values, shape=(*values.shape, 1))
    before = ops.logical_not(ops.lt(v, s)) if right else ops.lt(s, v)  # s <= v or s < v
    return ops.sum(ops.astype(before, dtype=dtypes.int64), axis=(len(before.shape) - 1,),
                   keepdims=False)


@composite("unique")
def unique(x, *, dim):
    if dim is None:
        rows = ops.reshape(x, shape=(math.prod(x.shape), 1))
    else:
        dim %= len(x.shape)
        moved = ops.permute(x, axes=(dim, *[a for a in range(len(x.shape)) if a != dim]))
        rows = ops.reshape(moved, shape=(x.shape[dim], math.prod(moved.shape[1:])))
    n, width = rows.shape
    order = ops.arange(start=0, stop=n, step=1, dtype=dtypes.int64, device=x.device)
    for col in reversed(range(width)):
        key = ops.getitem(rows, index=(order.numpy(), col))
        order = ops.getitem(order, index=(ops.argsort(key, axis=0, descending=False).numpy(),))
    ordered = ops.getitem(rows, index=(order.numpy(),))
    differs = ops.logical_not(ops.eq(ops.getitem(ordered, index=(slice(1, None),)),
                                     ops.getitem(ordered, index=(slice(0, n - 1),))))
    differs = ops.lt(const(0, x, dtypes.int64),
                     ops.sum(ops.astype(differs, dtype=dtypes.int64), axis=(1,), keepdims=False))
    starts = ops.concatenate(ops.full(shape=(min(n, 1),), fill_value=True, dtype=dtypes.bool_,
                                      device=x.device), differs, axis=0)
    group = ops.add(ops.cumsum(ops.astype(starts, dtype=dtypes.int64), axis=0, reverse=False),
                    const(-1, x, dtypes.int64))
    marks = ops.nonzero(starts)
    first = ops.reshape(marks, shape=(marks.shape[0],)).numpy()
    values = ops.getitem(ordered, index=(first,))
    inverse = ops.scatter_add(ops.full(shape=(n,), fill_value=0, dtype=dtypes.int64,
                                       device=x.device), order, group, dim=0)
    counts = ops.scatter_add(ops.full(shape=(len(first),), fill_value=0, dtype=dtypes.int64,
                                      device=x.device), group,
                             ops.full(shape=(n,), fill_value=1, dtype=dtypes.int64,
                                      device=x.device), dim=0)
    if dim is None:
        return ops.reshape(values, shape=(len(first),)), ops.reshape(inverse, shape=x.shape), counts
    rest = tuple(s for a, s in enumerate(x.shape) if a != dim)
    values = ops.reshape(values, shape=(len(first), *rest))
    back = list(range(1, len(x.shape)))
    back.insert(dim, 0)
    return ops.permute(values, axes=tuple(back)), inverse, counts
