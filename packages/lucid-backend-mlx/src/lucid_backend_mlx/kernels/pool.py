"""Pooling kernels: ``max_pool``, ``avg_pool``, ``avg_pool_transpose``, ``pool_scatter``,
``pool_gather``, ``adaptive_max_pool``, and ``unfold``/``fold`` (any nd, channels-first).

Max pooling reads all windows as one strided view (``mx.as_strided``) and reduces it
with one ``argmax``: the first tap holding the maximum (NaN counts as the maximum),
returned as a flat index into the unpadded input plane, which
``pool_scatter``/``pool_gather`` use for the gradient. Average pooling loops over the
kernel taps (a handful); each step is one MLX op on a strided slice of the padded
batch. Transposes (``avg_pool_transpose``, ``fold``) add each tap's slab back into a
zero plane with ``.at[...].add``.
"""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np

from lucid import kernel_geometry as geo
from lucid_backend_mlx.kernels import _conv_windows
from lucid_backend_mlx.kernels._registry import kernel


def _is_float(x) -> bool:
    return mx.issubdtype(x.dtype, mx.inexact)


def _padded(x, kernel_size, stride, padding, dilation, ceil_mode, value):
    """``x`` padded so that every (ceil-mode) window lies inside; the output counts."""
    pads, count = geo.ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, dilation,
                                    ceil_mode)
    if any(p != (0, 0) for p in pads):
        x = mx.pad(x, [(0, 0), (0, 0)] + list(pads), constant_values=value)
    return x, count


def _lowest(dtype):
    if mx.issubdtype(dtype, mx.inexact):
        return -float("inf")
    if dtype == mx.bool_:
        return False
    return int(np.iinfo(np.dtype(str(dtype).split(".")[-1])).min)


def _windows(xp, kernel_size, stride, dilation, count):
    """All pooling windows of the padded channels-first ``xp`` as one strided view
    ``(N, C, *count, prod(K))`` (``mx.as_strided``; no copy of the windows)."""
    nd = len(kernel_size)
    spatial = xp.shape[2:]
    row = [math.prod(spatial[i + 1:]) for i in range(nd)]
    plane = math.prod(spatial)
    strides = ([xp.shape[1] * plane, plane] + [r * s for r, s in zip(row, stride)]
               + [r * d for r, d in zip(row, dilation)])
    shape = tuple(xp.shape[:2]) + tuple(count) + tuple(kernel_size)
    win = mx.as_strided(mx.contiguous(xp), shape, strides)
    return win.reshape(shape[:2 + nd] + (-1,))


def _empty_pool(x, count):
    """The values and indices of max pooling a 0-sized ``x`` (both empty)."""
    shape = tuple(x.shape[:2]) + tuple(count)
    return mx.zeros(shape, dtype=x.dtype), mx.zeros(shape, dtype=mx.int64)


@kernel("max_pool")
def max_pool(x, *, kernel_size, stride, padding, dilation, ceil_mode):
    """Window maxima and, per window, the flat index of the first maximum in the unpadded
    input plane (MLX's ``argmax`` picks the first maximum, and the first NaN if any)."""
    xp, count = _padded(x, kernel_size, stride, padding, dilation, ceil_mode,
                        _lowest(x.dtype))
    if x.size == 0:  # MLX cannot reshape or argmax a 0-sized array: the result is empty
        return _empty_pool(x, count)
    win = _windows(xp, kernel_size, stride, dilation, count)
    arg = mx.argmax(win, axis=-1)
    best = mx.take_along_axis(win, mx.expand_dims(arg, -1), axis=-1)[..., 0]
    # window tap number -> per-dim kernel offset -> flat index into the unpadded plane
    nd = len(kernel_size)
    spatial = x.shape[2:]
    arg = arg.astype(mx.int64)
    index = mx.zeros((), dtype=mx.int64)
    for i in range(nd):
        shape = [1] * nd
        shape[i] = count[i]
        start = (mx.arange(count[i], dtype=mx.int64) * stride[i] - padding[i][0]).reshape(shape)
        tap = (arg // math.prod(kernel_size[i + 1:])) % kernel_size[i]
        index = index + (start + tap * dilation[i]) * math.prod(spatial[i + 1:])
    return best, index


@kernel("pool_scatter")
def pool_scatter(g, indices, *, spatial):
    """``x[n, c, indices[n, c, l]] += g[n, c, l]`` into zeros (repeats accumulate)."""
    n, c = g.shape[:2]
    if g.size == 0:  # MLX refuses 0-sized updates; nothing is added
        return mx.zeros((n, c) + tuple(spatial), dtype=g.dtype)
    plane = math.prod(spatial)
    base = (mx.arange(n * c, dtype=mx.int64) * plane).reshape((n, c) + (1,) * (g.ndim - 2))
    flat = mx.zeros((n * c * plane,), dtype=g.dtype)
    flat = flat.at[(indices + base).reshape(-1)].add(g.reshape(-1))
    return flat.reshape((n, c) + tuple(spatial))


@kernel("pool_gather")
def pool_gather(x, indices):
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    return mx.take_along_axis(flat, indices.reshape(n, c, -1), axis=2).reshape(indices.shape)


def _divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
             divisor_override, dtype):
    return mx.array(geo.avg_pool_divisor(spatial, kernel_size, stride, padding, count,
                                     count_include_pad, divisor_override), dtype=dtype)


@kernel("avg_pool")
def avg_pool(x, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override):
    ones = (1,) * len(kernel_size)
    xp, count = _padded(x, kernel_size, stride, padding, ones, ceil_mode, 0)
    taps = geo.kernel_taps(kernel_size)
    total = xp[geo.tap_slices(taps[0], stride, ones, count)]
    for tap in taps[1:]:
        total = total + xp[geo.tap_slices(tap, stride, ones, count)]
    return total / _divisor(x.shape[2:], kernel_size, stride, padding, count,
                            count_include_pad, divisor_override, x.dtype)


@kernel("avg_pool_transpose")
def avg_pool_transpose(g, *, spatial, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    ones = (1,) * len(kernel_size)
    count = g.shape[2:]
    g = g / _divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
                     divisor_override, g.dtype)
    sizes = geo.padded_sizes(spatial, padding, count, stride, ones, kernel_size)
    out = mx.zeros(g.shape[:2] + sizes, dtype=g.dtype)
    for tap in geo.kernel_taps(kernel_size):
        out = out.at[geo.tap_slices(tap, stride, ones, count)].add(g)
    crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(padding, spatial))
    return out[(Ellipsis,) + crop]


def _adaptive_coords(size: int, out: int):
    """PyTorch's adaptive windows ``[floor(i*size/out), ceil((i+1)*size/out))`` as an
    ``(out, kmax)`` table of input coordinates (short windows repeat their last one).
    Shape arithmetic only: built on the host from the static sizes."""
    start, end = geo.adaptive_ranges(size, out)
    kmax = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(kmax)[None, :], (end - 1)[:, None])


@kernel("adaptive_max_pool")
def adaptive_max_pool(x, *, output_size):
    if x.size == 0:
        return _empty_pool(x, output_size)
    nd = len(output_size)
    spatial = x.shape[2:]
    coords = [_adaptive_coords(n, o) for n, o in zip(spatial, output_size)]
    index = tuple(mx.array(coords[i].reshape([1] * (2 * i) + list(coords[i].shape)
                                             + [1] * (2 * (nd - i - 1))))
                  for i in range(nd))
    win = x[(slice(None), slice(None)) + index]  # (N, C, o1, k1, o2, k2, ...)
    order = tuple(range(2, 2 + 2 * nd, 2)) + tuple(range(3, 3 + 2 * nd, 2))
    win = mx.transpose(win, (0, 1) + order)
    win = win.reshape(win.shape[:2 + nd] + (-1,))
    arg = mx.argmax(win, axis=-1)  # the first maximum; the first NaN if any
    values = mx.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    ks = [c.shape[1] for c in coords]
    flat = mx.zeros(arg.shape, dtype=mx.int64)
    arg = arg.astype(mx.int64)
    for i in range(nd):
        local = (arg // math.prod(ks[i + 1:])) % ks[i]
        shape = [1] * nd
        shape[i] = output_size[i]
        rows = mx.arange(output_size[i]).reshape(shape)
        table = mx.array(coords[i], dtype=mx.int64)
        flat = flat + table[rows, local] * math.prod(spatial[i + 1:])
    return values, flat


@kernel("unfold")
def unfold(x, *, kernel_size, dilation, padding, stride):
    xp = _conv_windows.pad_crop(x, padding)
    count = geo.valid_window_counts(xp.shape[2:], kernel_size, stride, dilation)
    cols = _conv_windows.windows(xp, kernel_size, stride, dilation, count)
    n, c = x.shape[:2]
    return cols.reshape(n, c * math.prod(kernel_size), -1)


@kernel("fold")
def fold(cols, *, output_size, kernel_size, dilation, padding, stride):
    n = cols.shape[0]
    taps = math.prod(kernel_size)
    channels = cols.shape[1] // taps
    count = list(geo.window_counts(output_size, kernel_size, stride, padding, dilation))
    slabs = cols.reshape([n, channels, taps] + count)
    sizes = geo.padded_sizes(output_size, padding, count, stride, dilation, kernel_size)
    total = None
    for i, tap in enumerate(geo.kernel_taps(kernel_size)):
        part = _conv_windows.spread(slabs[:, :, i], tap, stride, dilation, sizes)
        total = part if total is None else total + part
    crop = tuple(slice(lo, lo + s) for (lo, _), s in zip(padding, output_size))
    return total[(Ellipsis,) + crop]
