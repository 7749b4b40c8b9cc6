"""Convolution kernels: ``conv``, ``conv_transpose``, ``conv_weight_grad`` (any nd, groups).

Two layouts, picked per call:

* **batch-last / channels-last** (:mod:`_conv_batch_last`) when a sample has few output
  positions or the stride is > 1: few large (blocked) GEMMs per op for the whole batch.
* **per-sample** otherwise (stride 1, large images): im2col columns ``(N, G, Cg*K, M)``
  so the product with the weight ``(G, Og, Cg*K)`` is one batched BLAS GEMM writing
  ``(N, G, Og, M)``, the output already in NCHW order. The columns are the contiguous
  shifted runs of :func:`_im2col.shifted_columns` (a few ``M``-long copies per channel
  and tap); the ``M`` grid includes a few over-computed columns that are cropped by a
  view. ``conv_weight_grad`` is one GEMM ``columns (G, Cg*K, N*M) @ g^T`` (or
  per-sample GEMMs summed when the weight is tiny). ``conv_transpose`` convolves ``y``
  with the flipped, channel-swapped weight when it has at least as many outputs as
  inputs, else scatters ``w^T @ y`` with one contiguous shifted ``+=`` per tap.

Column buffers are reused scratch memory (:func:`_im2col.scratch`). Each kernel runs
over slices of the batch in parallel threads when the work is large enough
(:mod:`_parallel`): outputs per sample are concatenated, weight gradients summed.
"""
from __future__ import annotations

import math

import numpy as np

from lucid.kernel_geometry import window_counts
from lucid_backend_numpy.kernels import _conv_batch_last as batch_last
from lucid_backend_numpy.kernels._im2col import (
    copy_to_scratch,
    flat_padded,
    scratch,
    shifted_columns,
)
from lucid_backend_numpy.kernels._parallel import concat_over_batch, sum_over_batch
from lucid_backend_numpy.kernels._registry import kernel

# Below this many output positions per sample (or with any stride > 1) the batch-last
# layout (one big GEMM, see _conv_batch_last) beats per-sample GEMMs.
BATCH_LAST_MAX_POSITIONS = 256


def _batch_last(positions, stride) -> bool:
    return positions < BATCH_LAST_MAX_POSITIONS or any(s != 1 for s in stride)


def _conv_columns(x, kernel_size, padding, dilation, batch_inner=False):
    """Stride-1 columns ``(N, C, *K, M)`` (or ``(C, *K, N, M)`` with ``batch_inner``) in
    scratch memory, the grid that ``M`` flattens, and the output count per dim."""
    buf, sp = flat_padded(x, padding, kernel_size, dilation)
    view, grid = shifted_columns(buf, sp, kernel_size, dilation)
    count = (grid[0],) + tuple(n - d * (k - 1) for n, k, d in
                               zip(sp[1:], kernel_size[1:], dilation[1:]))
    if batch_inner:
        view = np.moveaxis(view, 0, -2)
    cols = copy_to_scratch(view, "columns")
    return cols.reshape(cols.shape[:-1] + (-1,)), tuple(grid), count


@kernel("conv")
def conv(x, w, *, stride, padding, dilation, groups):
    count = window_counts(x.shape[2:], w.shape[2:], stride, padding, dilation)
    if x.size == 0 or w.size == 0 or 0 in count:  # 0-sized: empty output or empty sums
        return np.zeros((x.shape[0], w.shape[0]) + count, np.result_type(x, w))
    return concat_over_batch(lambda xs: _conv(xs, w, stride, padding, dilation, groups),
                             x.shape[0] * w.size * math.prod(count),
                             (x.shape[0], w.shape[0]) + count, np.result_type(x, w), x)


def _conv(x, w, stride, padding, dilation, groups):
    count = window_counts(x.shape[2:], w.shape[2:], stride, padding, dilation)
    if _batch_last(math.prod(count), stride):
        if groups == 1:
            return batch_last.conv_channels_last(x, w, stride, padding, dilation)
        return batch_last.conv(x, w, stride, padding, dilation, groups)
    n, c = x.shape[:2]
    o, k = w.shape[0], w.shape[2:]
    cols, grid, count = _conv_columns(x, k, padding, dilation)
    cols = cols.reshape(n, groups, (c // groups) * math.prod(k), -1)
    wg = w.reshape(groups, o // groups, -1)
    y = np.matmul(wg, cols).reshape((n, o) + tuple(grid))
    # the over-computed columns are cropped by a view (no copy)
    return y[(Ellipsis,) + tuple(slice(0, m) for m in count)]


@kernel("conv_weight_grad")
def conv_weight_grad(x, g, *, stride, padding, dilation, groups, kernel_size):
    if x.size == 0 or g.size == 0:  # an empty batch (or map) contributes nothing
        return np.zeros((g.shape[1], x.shape[1] // groups) + tuple(kernel_size),
                        np.result_type(x, g))
    work = g.size * (x.shape[1] // groups) * math.prod(kernel_size)
    return sum_over_batch(lambda xs, gs: _weight_grad(
        xs, gs, stride, padding, dilation, groups, kernel_size), work, x, g)


def _weight_grad(x, g, stride, padding, dilation, groups, kernel_size):
    if _batch_last(math.prod(g.shape[2:]), stride):
        return batch_last.weight_grad(x, g, stride, padding, dilation, groups, kernel_size)
    n, c = x.shape[:2]
    o = g.shape[1]
    count = g.shape[2:]
    ck = (c // groups) * math.prod(kernel_size)
    few = (o // groups) * ck < 1024  # tiny weight: per-sample GEMMs beat one long GEMM
    cols, grid, _ = _conv_columns(x, kernel_size, padding, dilation, batch_inner=not few)
    inner = tuple(slice(0, m) for m in count)
    if few:
        if tuple(grid) != tuple(count):  # stride-1 grid: zero the garbage columns via g
            full = np.zeros((n, o) + tuple(grid), dtype=g.dtype)
            full[(Ellipsis,) + inner] = g
            g = full
        cols = cols.reshape(n, groups, ck, -1)
        g = g.reshape(n, groups, o // groups, -1)
        dw = np.matmul(g, cols.transpose(0, 1, 3, 2)).sum(axis=0)
    else:
        full = scratch((o, n) + tuple(grid), g.dtype, "grad_t")
        for i in range(1, len(count)):  # zero the over-computed columns only
            full[(Ellipsis,) + (slice(None),) * i + (slice(count[i], None),)
                 + (slice(None),) * (len(count) - i - 1)] = 0
        full[(Ellipsis,) + inner] = g.swapaxes(0, 1)
        cols = cols.reshape(groups, ck, -1)
        dw = np.matmul(cols, full.reshape(groups, o // groups, -1).transpose(0, 2, 1))
        dw = dw.transpose(0, 2, 1)
    return dw.reshape((o, c // groups) + tuple(kernel_size))


@kernel("conv_transpose")
def conv_transpose(y, w, *, stride, padding, dilation, groups, output_size):
    if y.size == 0 or w.size == 0:
        return np.zeros((y.shape[0], w.shape[1] * groups) + tuple(output_size),
                        np.result_type(y, w))
    return concat_over_batch(
        lambda ys: _transpose(ys, w, stride, padding, dilation, groups, output_size),
        y.size * math.prod(w.shape[1:]), (y.shape[0], w.shape[1] * groups) + tuple(output_size),
        np.result_type(y, w), y)


def _transpose(y, w, stride, padding, dilation, groups, output_size):
    if _batch_last(math.prod(y.shape[2:]), stride):
        if groups == 1 and all(s == 1 for s in stride):
            z = batch_last.transpose_blocked(y, w, padding, dilation, output_size)
            if z is not None:
                return z
        return batch_last.transpose(y, w, stride, padding, dilation, groups, output_size)
    i, cg = w.shape[:2]
    k = w.shape[2:]
    nd = len(k)
    # here stride == 1 (strided convolutions take the batch-last layout)
    if cg * groups >= i:  # as many outputs as inputs
        # z = full correlation of y with the flipped weight, cropped to output_size.
        wt = w.reshape((groups, i // groups, cg) + k).swapaxes(1, 2)
        wt = wt.reshape((groups * cg, i // groups) + k)[(Ellipsis,) + (slice(None, None, -1),) * nd]
        pads = []
        for size, m, (lo, _), kk, d in zip(output_size, y.shape[2:], padding, k, dilation):
            before = d * (kk - 1) - lo
            pads.append((before, size - m - before + d * (kk - 1)))
        return _conv(y, np.ascontiguousarray(wt), stride, tuple(pads), dilation, groups)
    return _transpose_flat(y, w, padding, dilation, groups, output_size)


def _crop(full, padding, output_size):
    nd = len(output_size)
    if tuple(full.shape[-nd:]) == tuple(output_size):
        return full
    return np.ascontiguousarray(full[(Ellipsis,) + tuple(
        slice(lo, lo + size) for (lo, _), size in zip(padding, output_size))])


def _transpose_flat(y, w, padding, dilation, groups, output_size):
    """Stride-1 col2im on flattened channels: ``cols = w^T @ y`` on the padded grid
    (zeros outside ``y``), then one contiguous shifted ``+=`` per kernel tap over all
    channels of a group at once (only zeros spill across channel boundaries)."""
    n, i = y.shape[:2]
    cg, k = w.shape[1], w.shape[2:]
    ig, taps = i // groups, math.prod(k)
    count = y.shape[2:]
    sp = tuple(max(m + d * (kk - 1), lo + size) for m, d, kk, (lo, _), size
               in zip(count, dilation, k, padding, output_size))
    f = math.prod(sp)
    rows = [math.prod(sp[j + 1:]) for j in range(len(sp))]
    full = scratch((n, i) + sp, y.dtype, "grad_t")
    full.fill(0)
    full[(Ellipsis,) + tuple(slice(0, m) for m in count)] = y
    wt = w.reshape(groups, ig, cg, taps).transpose(0, 3, 2, 1).reshape(groups, taps * cg, ig)
    cols = scratch((n, groups, taps * cg, f), y.dtype, "columns")
    np.matmul(wt, full.reshape(n, groups, ig, f), out=cols)
    cols = cols.reshape(n, groups, taps, cg * f)
    offsets = [sum(t * d * r for t, d, r in zip(tap, dilation, rows))
               for tap in np.ndindex(*k)]
    out = np.zeros((n, groups, cg * f + max(offsets)), dtype=y.dtype)
    for t, off in enumerate(offsets):
        out[:, :, off:off + cg * f] += cols[:, :, t]
    out = out[:, :, :cg * f].reshape((n, groups * cg) + sp)
    return _crop(out, padding, output_size)
