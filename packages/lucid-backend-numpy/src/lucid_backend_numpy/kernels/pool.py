"""Pooling kernels: ``max_pool``, ``avg_pool``, ``avg_pool_transpose``, ``pool_scatter``,
``pool_gather``, ``adaptive_max_pool`` (any nd).

Window reductions loop over the kernel taps (a handful), each step a vectorised
operation on a strided view of the whole padded batch; no copy of the windows.
Scatters use ``np.bincount`` over flat indices (no ``np.add.at``).
"""

from __future__ import annotations

import math

import numpy as np

from lucid import kernel_geometry as geo
from lucid_backend_numpy.kernels._im2col import col2im, columns, pad
from lucid_backend_numpy.kernels._registry import kernel


def _padded(x, kernel_size, stride, padding, dilation, ceil_mode, value):
    """``x`` padded so that every (ceil-mode) window lies inside; the output counts."""
    pads, count = geo.ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, dilation,
                                    ceil_mode)
    return pad(x, pads, value), count


@kernel("max_pool", multi_output=True)
def max_pool(x, *, kernel_size, stride, padding, dilation, ceil_mode):
    floating = x.dtype.kind == "f"
    fill = -np.inf if floating else np.iinfo(x.dtype).min
    xp, count = _padded(x, kernel_size, stride, padding, dilation, ceil_mode, fill)
    spatial = x.shape[2:]
    rows = [math.prod(spatial[i + 1:]) for i in range(len(spatial))]
    taps = geo.kernel_taps(kernel_size)
    # flat input offset of each tap relative to its window's first element
    offsets = [sum(t * d * r for t, d, r in zip(tap, dilation, rows)) for tap in taps]
    best = xp[geo.tap_slices(taps[0], stride, dilation, count)].copy()
    small = np.int32 if math.prod(spatial) < 2 ** 31 else np.int64
    arg = np.zeros(best.shape, dtype=small)
    step = np.empty(best.shape, dtype=small)
    with_nan = floating and bool(np.isnan(x).any())
    nan_seen = np.isnan(best) if with_nan else None
    better = np.empty(best.shape, dtype=bool)
    for tap, off in zip(taps[1:], offsets[1:]):
        cand = xp[geo.tap_slices(tap, stride, dilation, count)]
        np.greater(cand, best, out=better)
        if with_nan:  # PyTorch propagates NaN: the first NaN of a window wins
            isnan = np.isnan(cand)
            better |= isnan & ~nan_seen
            nan_seen |= isnan
            np.copyto(best, cand, where=better)
        else:
            np.maximum(best, cand, out=best)
        # arg = where(better, off, arg), arithmetically (a masked copy is ~10x slower)
        np.subtract(off, arg, out=step)
        np.multiply(step, better, out=step)
        arg += step
    arg = arg.astype(np.int64)
    # + flat index of each window's first element (which may lie in the padding)
    for i, (c, s, (lo, _), r) in enumerate(zip(count, stride, padding, rows)):
        shape = [1] * len(count)
        shape[i] = c
        arg += ((np.arange(c) * s - lo) * r).reshape(shape)
    return best, arg


@kernel("pool_scatter")
def pool_scatter(g, indices, *, spatial):
    n, c = g.shape[:2]
    plane = math.prod(spatial)
    base = (np.arange(n * c, dtype=np.int64) * plane).reshape((n, c) + (1,) * (g.ndim - 2))
    flat = np.bincount((indices + base).reshape(-1), weights=g.reshape(-1),
                       minlength=n * c * plane)
    return flat.astype(g.dtype, copy=False).reshape((n, c) + tuple(spatial))


@kernel("pool_gather")
def pool_gather(x, indices):
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    return np.take_along_axis(flat, indices.reshape(n, c, -1), axis=2).reshape(indices.shape)


def _divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
             divisor_override, dtype):
    return geo.avg_pool_divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
                            divisor_override).astype(dtype)


@kernel("avg_pool")
def avg_pool(x, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override):
    ones = (1,) * len(kernel_size)
    xp, count = _padded(x, kernel_size, stride, padding, ones, ceil_mode, 0)
    taps = geo.kernel_taps(kernel_size)
    total = xp[geo.tap_slices(taps[0], stride, ones, count)].copy()
    for tap in taps[1:]:
        total += xp[geo.tap_slices(tap, stride, ones, count)]
    total /= _divisor(x.shape[2:], kernel_size, stride, padding, count, count_include_pad,
                      divisor_override, x.dtype)
    return total


@kernel("avg_pool_transpose")
def avg_pool_transpose(g, *, spatial, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    ones = (1,) * len(kernel_size)
    count = g.shape[2:]
    g = g / _divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
                     divisor_override, g.dtype)
    sizes = geo.padded_sizes(spatial, padding, count, stride, ones, kernel_size)
    out = np.zeros(g.shape[:2] + sizes, dtype=g.dtype)
    for tap in geo.kernel_taps(kernel_size):
        out[geo.tap_slices(tap, stride, ones, count)] += g
    crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(padding, spatial))
    return np.ascontiguousarray(out[(Ellipsis,) + crop])


@kernel("adaptive_max_pool", multi_output=True)
def adaptive_max_pool(x, *, output_size):
    nd = len(output_size)
    spatial = x.shape[2:]
    if all(n % o == 0 for n, o in zip(spatial, output_size)):  # equal, disjoint windows
        k = tuple(n // o for n, o in zip(spatial, output_size))
        return max_pool(x, kernel_size=k, stride=k, padding=((0, 0),) * nd,
                        dilation=(1,) * nd, ceil_mode=False)
    # The maximum is separable: reduce the last dim's windows, then the one before, ...
    # carrying the flat input index of the running maximum. Row-major first-maximum ties
    # (PyTorch's) survive because each stage keeps the first maximum of its windows.
    best = x
    flat = np.arange(math.prod(spatial), dtype=np.int64).reshape(spatial)
    flat = np.broadcast_to(flat, x.shape)
    with_nan = x.dtype.kind == "f" and bool(np.isnan(x).any())
    for axis in reversed(range(2, 2 + nd)):
        start, end = geo.adaptive_ranges(x.shape[axis], output_size[axis - 2])
        cur = np.take(best, start, axis=axis)
        cur_flat = np.take(flat, start, axis=axis)
        seen = np.isnan(cur) if with_nan else None
        for t in range(1, int((end - start).max())):
            idx = np.minimum(start + t, end - 1)  # short windows repeat their last element
            cand = np.take(best, idx, axis=axis)
            better = cand > cur
            if with_nan:
                isnan = np.isnan(cand)
                better |= isnan & ~seen
                seen |= isnan
                cur = np.where(better, cand, cur)
            else:
                cur = np.maximum(cur, cand)
            cur_flat = cur_flat + (np.take(flat, idx, axis=axis) - cur_flat) * better
        best, flat = cur, cur_flat
    return best, np.ascontiguousarray(flat)


@kernel("unfold")
def unfold(x, *, kernel_size, dilation, padding, stride):
    cols, _ = columns(pad(x, padding), kernel_size, stride, dilation)
    n, c = x.shape[:2]
    return cols.reshape(n, c * math.prod(kernel_size), -1)


@kernel("fold")
def fold(cols, *, output_size, kernel_size, dilation, padding, stride):
    n = cols.shape[0]
    taps = math.prod(kernel_size)
    count = geo.window_counts(output_size, kernel_size, stride, padding, dilation)
    cols = cols.reshape((n, cols.shape[1] // taps) + tuple(kernel_size) + count)
    sizes = geo.padded_sizes(output_size, padding, count, stride, dilation, kernel_size)
    full = col2im(cols, sizes, stride, dilation)
    crop = tuple(slice(lo, lo + s) for (lo, _), s in zip(padding, output_size))
    return np.ascontiguousarray(full[(Ellipsis,) + crop])
