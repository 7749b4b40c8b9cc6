"""Sliding-window ops (im2col, col2im, pooling) written with ``getitem`` (integer index
arrays), ``scatter_add``, ``gather``, ``pad``, ``sum``, ``amax``/``argmax``.

The one idea: window ``w`` (per-dim index ``o``) and kernel tap ``t`` of a padded input
read element ``o * stride + t * dilation`` along each spatial dim, so ``x[:, :, I_1, ...,
I_D]`` with broadcast index tables ``I_d`` is the ``(N, C, *windows, *kernel)`` array of
every window at once. ``unfold`` reshapes it; ``fold`` and the pooling transposes add
into the same positions of a zero plane; max pooling takes the first maximum of each
window (NaN wins) and its flat input index; average pooling divides window sums by
:func:`lucid.kernel_geometry.avg_pool_divisor`.
"""

from __future__ import annotations

import math

import numpy as np

import lucid.kernel_geometry as geo
from lucid.ops.composites import composite, ops
from lucid.ops.composites.shape import pad


def window_tables(count, kernel_size, stride, dilation) -> tuple[np.ndarray, ...]:
    """Per spatial dim, the index table ``o * stride + t * dilation`` shaped to broadcast
    over ``(*count, *kernel_size)``."""
    nd = len(count)
    tables = []
    for d, (c, k, s, dil) in enumerate(zip(count, kernel_size, stride, dilation)):
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = c, k
        table = np.arange(c)[:, None] * s + np.arange(k)[None, :] * dil
        tables.append(table.reshape([c if i == d else 1 for i in range(nd)]
                                    + [k if i == d else 1 for i in range(nd)]))
    return tuple(tables)


def windows(xp, tables):
    """``(N, C, *count, *kernel)``: every window of the padded ``xp``."""
    return ops.getitem(xp, index=(slice(None), slice(None), *tables))


def add_windows(values, plane, tables):
    """The transpose of :func:`windows`: a ``(N, C, *plane)`` zero plane with each of
    ``values`` ``(N, C, *count, *kernel)`` added at its window position."""
    n, c = values.shape[:2]
    grid = np.arange(math.prod(plane)).reshape(plane)[tables]
    positions = np.broadcast_to(grid, values.shape[2:]).reshape(1, 1, -1)
    flat = ops.reshape(values, shape=(n, c, positions.shape[-1]))
    index = ops.broadcast_to(_from_numpy(positions, values), shape=flat.shape)
    zeros = ops.full(shape=(n, c, math.prod(plane)), fill_value=0, dtype=values.dtype,
                     device=values.device)
    return ops.reshape(ops.scatter_add(zeros, index, flat, dim=2), shape=(n, c, *plane))


def _from_numpy(array, like):
    import lucid

    return lucid.tensor(array, device=like.device)


def crop(x, padding, spatial):
    lead = (slice(None),) * (len(x.shape) - len(spatial))
    return ops.getitem(x, index=(*lead, *(slice(lo, lo + s) for (lo, _), s in
                                          zip(padding, spatial))))


@composite("unfold")
def unfold(x, *, kernel_size, dilation, padding, stride):
    nd = len(kernel_size)
    count = geo.window_counts(x.shape[2:], kernel_size, stride, padding, dilation)
    w = windows(pad(x, pad_width=((0, 0), (0, 0), *padding), value=0),
                window_tables(count, kernel_size, stride, dilation))
    w = ops.permute(w, axes=(0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd)))
    n, c = x.shape[:2]
    return ops.reshape(w, shape=(n, c * math.prod(kernel_size), math.prod(count)))


@composite("fold")
def fold(cols, *, output_size, kernel_size, dilation, padding, stride):
    nd = len(kernel_size)
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel_size)
    count = geo.window_counts(output_size, kernel_size, stride, padding, dilation)
    values = ops.reshape(cols, shape=(n, c, *kernel_size, *count))
    values = ops.permute(values, axes=(0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd)))
    plane = geo.padded_sizes(output_size, padding, count, stride, dilation, kernel_size)
    full = add_windows(values, plane, window_tables(count, kernel_size, stride, dilation))
    return crop(full, padding, output_size)


def _first_max(w, nd):
    """``(values, tap)``: each window's first maximum (NaN wins) and its tap number, over
    the ``nd`` trailing kernel dims of ``w``."""
    flat = ops.reshape(w, shape=(*w.shape[:-nd], math.prod(w.shape[-nd:])))
    tap = ops.argmax(flat, axis=-1, keepdims=True)
    values = ops.gather(flat, tap, dim=len(flat.shape) - 1)
    return (ops.reshape(values, shape=values.shape[:-1]),
            ops.reshape(tap, shape=tap.shape[:-1]))


def _lowest(dtype):
    return -math.inf if dtype.is_floating_point else int(np.iinfo(dtype.name).min)


def _max_over_tables(x, pads, tables, fill):
    nd = len(tables)
    spatial = x.shape[2:]
    w = windows(pad(x, pad_width=((0, 0), (0, 0), *pads), value=fill), tables)
    values, tap = _first_max(w, nd)
    # the flat input index of every window element (-1 in the padding), read at the tap
    where = np.pad(np.arange(math.prod(spatial)).reshape(spatial), pads, constant_values=-1)
    where = where[tables].reshape(*where[tables].shape[:nd], -1)
    table = _from_numpy(np.broadcast_to(where, (*x.shape[:2], *where.shape)).copy(), x)
    index = ops.gather(table, ops.reshape(tap, shape=(*tap.shape, 1)), dim=2 + nd)
    return values, ops.reshape(index, shape=tap.shape)


@composite("max_pool")
def max_pool(x, *, kernel_size, stride, padding, dilation, ceil_mode):
    pads, count = geo.ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, dilation,
                                        ceil_mode)
    tables = window_tables(count, kernel_size, stride, dilation)
    return _max_over_tables(x, pads, tables, _lowest(x.dtype))


@composite("adaptive_max_pool")
def adaptive_max_pool(x, *, output_size):
    """Windows ``[start, end)`` of unequal length, each read as ``longest`` taps with the
    last element repeated (a repeat changes neither the maximum nor its first index)."""
    nd = len(output_size)
    tables = []
    for d, (size, out) in enumerate(zip(x.shape[2:], output_size)):
        start, end = geo.adaptive_ranges(size, out)
        longest = int((end - start).max()) if out else 1
        table = np.minimum(start[:, None] + np.arange(longest)[None, :], end[:, None] - 1)
        tables.append(table.reshape([out if i == d else 1 for i in range(nd)]
                                    + [longest if i == d else 1 for i in range(nd)]))
    return _max_over_tables(x, ((0, 0),) * nd, tuple(tables), _lowest(x.dtype))


def _window_mean_divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
                         divisor_override, like):
    div = geo.avg_pool_divisor(spatial, kernel_size, stride, padding, count,
                               count_include_pad, divisor_override)
    return ops.astype(_from_numpy(div, like), dtype=like.dtype)


@composite("avg_pool")
def avg_pool(x, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override):
    nd = len(kernel_size)
    ones = (1,) * nd
    pads, count = geo.ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, ones,
                                        ceil_mode)
    w = windows(pad(x, pad_width=((0, 0), (0, 0), *pads), value=0),
                window_tables(count, kernel_size, stride, ones))
    total = ops.sum(w, axis=tuple(range(2 + nd, 2 + 2 * nd)), keepdims=False)
    return ops.div(total, _window_mean_divisor(x.shape[2:], kernel_size, stride, padding,
                                               count, count_include_pad, divisor_override, x))


@composite("avg_pool_transpose")
def avg_pool_transpose(g, *, spatial, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override):
    nd = len(kernel_size)
    ones = (1,) * nd
    count = g.shape[2:]
    g = ops.div(g, _window_mean_divisor(spatial, kernel_size, stride, padding, count,
                                        count_include_pad, divisor_override, g))
    values = ops.broadcast_to(ops.reshape(g, shape=(*g.shape, *ones)),
                              shape=(*g.shape, *kernel_size))
    plane = geo.padded_sizes(spatial, padding, count, stride, ones, kernel_size)
    full = add_windows(values, plane, window_tables(count, kernel_size, stride, ones))
    return crop(full, padding, spatial)


@composite("pool_scatter")
def pool_scatter(g, indices, *, spatial):
    n, c = g.shape[:2]
    m = math.prod(g.shape[2:])
    zeros = ops.full(shape=(n, c, math.prod(spatial)), fill_value=0, dtype=g.dtype,
                     device=g.device)
    out = ops.scatter_add(zeros, ops.reshape(indices, shape=(n, c, m)),
                          ops.reshape(g, shape=(n, c, m)), dim=2)
    return ops.reshape(out, shape=(n, c, *spatial))


@composite("pool_gather")
def pool_gather(x, indices):
    n, c = x.shape[:2]
    flat = ops.reshape(x, shape=(n, c, math.prod(x.shape[2:])))
    picked = ops.gather(flat, ops.reshape(indices, shape=(n, c, math.prod(indices.shape[2:]))),
                        dim=2)
    return ops.reshape(picked, shape=indices.shape)

