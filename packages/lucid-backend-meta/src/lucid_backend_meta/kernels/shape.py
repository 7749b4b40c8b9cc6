"""Shape and indexing ops: reshape, permute, broadcast, join/split, pad, indexing,
gather/scatter, and the products (``matmul``, ``einsum``) whose shape rules are
arithmetic on the input shapes."""

from __future__ import annotations

import math

import numpy as np

from lucid.ops._index import result_shape  # core's shape of x[index] (canonical index)
from lucid_backend_meta.array import MetaArray
from lucid_backend_meta.kernels._registry import axis_tuple, kernel, like


@kernel("reshape")
def reshape(x: MetaArray, *, shape) -> MetaArray:
    """``-1`` takes what the other dims leave of ``x.size``."""
    shape = list(shape)
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        shape[shape.index(-1)] = x.size // known if known else 0
    if math.prod(shape) != x.size:
        raise ValueError(f"cannot reshape {x.shape} into {tuple(shape)}")
    return like(x, shape)


@kernel("permute")
def permute(x: MetaArray, *, axes) -> MetaArray:
    return like(x, tuple(x.shape[a] for a in axes))


@kernel("broadcast_to")
def broadcast_to(x: MetaArray, *, shape) -> MetaArray:
    if np.broadcast_shapes(x.shape, tuple(shape)) != tuple(shape):
        raise ValueError(f"cannot broadcast {x.shape} to {tuple(shape)}")
    return like(x, shape)


@kernel("concatenate")
def concatenate(*xs: MetaArray, axis) -> MetaArray:
    """Sizes along ``axis`` add up; dtypes promote."""
    axis = axis_tuple(axis, xs[0].ndim)[0]
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    return MetaArray(shape, np.result_type(*(x.dtype for x in xs)))


@kernel("split")
def split(x: MetaArray, *, indices, axis) -> tuple[MetaArray, ...]:
    """Pieces between the split points ``indices`` (clipped to the axis, as NumPy)."""
    axis = axis_tuple(axis, x.ndim)[0]
    n = x.shape[axis]
    bounds = [0, *(min(max(i, 0), n) for i in indices), n]
    pieces = []
    for lo, hi in zip(bounds, bounds[1:]):
        shape = list(x.shape)
        shape[axis] = max(hi - lo, 0)
        pieces.append(like(x, shape))
    return tuple(pieces)


@kernel("pad")
def pad(x: MetaArray, *, pad_width, value) -> MetaArray:
    return like(x, tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad_width)))


@kernel("getitem")
def getitem(x: MetaArray, *, index) -> MetaArray:
    return like(x, result_shape(x.shape, index))


@kernel("getitem_grad")
def getitem_grad(g: MetaArray, *, index, shape) -> MetaArray:
    return like(g, shape)


@kernel("setitem")
def setitem(x: MetaArray, value, *, index) -> MetaArray:
    return like(x)


@kernel("gather")
def gather(x: MetaArray, index: MetaArray, *, dim) -> MetaArray:
    return like(x, index.shape)


@kernel("scatter", "scatter_add")
def scatter(x: MetaArray, index: MetaArray, src: MetaArray, *, dim) -> MetaArray:
    return like(x)


@kernel("matmul")
def matmul(x: MetaArray, y: MetaArray) -> MetaArray:
    """NumPy's rule: 1-D operands gain (then lose) a dim; batch dims broadcast;
    ``(.., n, k) @ (.., k, m) -> (.., n, m)``."""
    a = x.shape if x.ndim > 1 else (1,) + x.shape
    b = y.shape if y.ndim > 1 else y.shape + (1,)
    if a[-1] != b[-2]:
        raise ValueError(f"matmul: inner dimensions differ: {x.shape} @ {y.shape}")
    shape = np.broadcast_shapes(a[:-2], b[:-2]) + (a[-2], b[-1])
    if x.ndim == 1:
        shape = shape[:-2] + shape[-1:]
    if y.ndim == 1:
        shape = shape[:-1]
    return MetaArray(shape, np.result_type(x.dtype, y.dtype))


def _einsum_letters(spec: str, ndim: int) -> list:
    """The labels of one operand, ``...`` expanded into ``ndim - letters`` broadcast labels
    (named by their distance from the end, so operands' ellipses line up)."""
    if "..." not in spec:
        return list(spec)
    head, tail = spec.split("...")
    extra = ndim - len(head) - len(tail)
    return list(head) + [("...", extra - i) for i in range(extra)] + list(tail)


@kernel("einsum")
def einsum(*arrays: MetaArray, subscripts: str) -> MetaArray:
    """Each label's size (1 broadcasts), the output labels after ``->`` (or, implicitly,
    the ellipsis followed by the labels used once, sorted)."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    specs = inputs.split(",")
    sizes: dict = {}
    counts: dict = {}
    for s, a in zip(specs, arrays):
        for label, n in zip(_einsum_letters(s, a.ndim), a.shape):
            if sizes.get(label, 1) not in (1, n) and n != 1:
                raise ValueError(f"einsum: label {label!r} has sizes {sizes[label]} and {n}")
            sizes[label] = n if sizes.get(label, 1) == 1 else sizes[label]
            counts[label] = counts.get(label, 0) + 1
    ellipsis = sorted((k for k in sizes if isinstance(k, tuple)), key=lambda k: -k[1])
    if arrow:
        out_labels = _einsum_letters(output, len(output.replace("...", "")) + len(ellipsis))
    else:
        out_labels = ellipsis + sorted(k for k in sizes if isinstance(k, str) and
                                       counts[k] == 1)
    shape = tuple(sizes.get(k, 1) for k in out_labels)
    return MetaArray(shape, np.result_type(*(a.dtype for a in arrays)))
