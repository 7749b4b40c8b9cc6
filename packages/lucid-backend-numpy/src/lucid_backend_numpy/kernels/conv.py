"""Convolution kernels: ``conv``, ``conv_transpose``, ``conv_weight_grad`` (any nd, groups).

Layout: im2col columns ``(N, G, Cg*K, M)`` so the product with the weight
``(G, Og, Cg*K)`` is one batched BLAS GEMM that writes ``(N, G, Og, M)`` = the output in
NCHW order, without a transpose copy. Stride 1 (the common case) uses the contiguous
shifted-run columns of :func:`_im2col.shifted_columns`; other strides use the strided
window view. ``conv_transpose`` with stride 1 is a convolution of the zero-padded input
with the flipped, channel-swapped weight; with larger strides it is one GEMM followed by
:func:`_im2col.col2im`.
"""

from __future__ import annotations

import math

import numpy as np

from lucid_backend_numpy.kernels._im2col import (
    col2im,
    columns,
    crop_grid,
    flat_padded,
    pad,
    shifted_columns,
)
from lucid_backend_numpy.kernels._registry import kernel


def _conv_columns(x, kernel_size, stride, padding, dilation, count=None):
    """Columns ``(N, C, *K, M)`` (contiguous), the grid that ``M`` flattens, and the
    output count per dim."""
    if all(s == 1 for s in stride):
        buf, sp = flat_padded(x, padding, kernel_size, dilation)
        view, grid = shifted_columns(buf, sp, kernel_size, dilation)
        if count is None:
            count = (grid[0],) + tuple(n - d * (k - 1) for n, k, d in
                                       zip(sp[1:], kernel_size[1:], dilation[1:]))
        return np.ascontiguousarray(view), grid, tuple(count)
    cols, count = columns(pad(x, padding), kernel_size, stride, dilation, count)
    return cols, tuple(count), tuple(count)


@kernel("conv")
def conv(x, w, *, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o, k = w.shape[0], w.shape[2:]
    cols, grid, count = _conv_columns(x, k, stride, padding, dilation)
    cols = cols.reshape(n, groups, (c // groups) * math.prod(k), -1)
    y = np.matmul(w.reshape(groups, o // groups, -1), cols)  # (N, G, Og, M)
    return crop_grid(y.reshape(n, o, -1), grid, count)


@kernel("conv_weight_grad")
def conv_weight_grad(x, g, *, stride, padding, dilation, groups, kernel_size):
    n, c = x.shape[:2]
    o = g.shape[1]
    count = g.shape[2:]
    cols, grid, _ = _conv_columns(x, kernel_size, stride, padding, dilation, count)
    if tuple(grid) != tuple(count):  # stride-1 grid: zero the garbage columns via g
        full = np.zeros((n, o) + tuple(grid), dtype=g.dtype)
        full[(Ellipsis,) + tuple(slice(0, m) for m in count)] = g
        g = full
    cols = cols.reshape(n, groups, (c // groups) * math.prod(kernel_size), -1)
    g = g.reshape(n, groups, o // groups, -1)
    if n * cols.shape[-1] >= 16 * cols.shape[2] * g.shape[2]:
        dw = np.matmul(g, cols.transpose(0, 1, 3, 2)).sum(axis=0)  # many small GEMMs
    else:
        dw = np.einsum("ngom,ngkm->gok", g, cols, optimize=True)
    return dw.reshape((o, c // groups) + tuple(kernel_size))


@kernel("conv_transpose")
def conv_transpose(y, w, *, stride, padding, dilation, groups, output_size):
    n = y.shape[0]
    i, cg = w.shape[:2]
    k = w.shape[2:]
    nd = len(k)
    if all(s == 1 for s in stride):
        # z = full correlation of y with the flipped weight, cropped to output_size.
        wt = w.reshape((groups, i // groups, cg) + k).swapaxes(1, 2)
        wt = wt.reshape((groups * cg, i // groups) + k)[(Ellipsis,) + (slice(None, None, -1),) * nd]
        pads = []
        for size, m, (lo, _), kk, d in zip(output_size, y.shape[2:], padding, k, dilation):
            before = d * (kk - 1) - lo
            pads.append((before, size - m - before + d * (kk - 1)))
        return conv(y, np.ascontiguousarray(wt), stride=stride, padding=tuple(pads),
                    dilation=dilation, groups=groups)
    count = y.shape[2:]
    cols = np.matmul(w.reshape(groups, i // groups, -1).transpose(0, 2, 1),
                     y.reshape(n, groups, i // groups, -1))  # (N, G, Cg*K, P)
    cols = cols.reshape((n, groups * cg) + k + tuple(count))
    sizes = tuple(max((m - 1) * s + d * (kk - 1) + 1, lo + size) for m, s, d, kk, (lo, _), size
                  in zip(count, stride, dilation, k, padding, output_size))
    full = col2im(cols, sizes, stride, dilation)
    return full[(Ellipsis,) + tuple(slice(lo, lo + size)
                                    for (lo, _), size in zip(padding, output_size))]
