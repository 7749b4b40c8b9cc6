"""Convolutions written as window tables and a batched ``matmul`` (im2col).

With the windows of the padded input grouped as ``X[n, g, l, (c, t)]`` (group ``g``,
window ``l``, in-channel ``c`` of the group, kernel tap ``t``) and the weight as
``W[g, o, (c, t)]``: ``conv = X W^T`` per group; its weight gradient ``dW[g] = sum_n
G[n, g]^T X[n, g]``; the transposed convolution scatters ``W^T Y`` back into the
windows (``fold``'s scatter, one window per input element).
"""

from __future__ import annotations

import math

import lucid.kernel_geometry as geo
from lucid.ops.composites import composite, ops
from lucid.ops.composites.shape import pad
from lucid.ops.composites.windows import add_windows, crop, window_tables, windows


def _grouped_windows(x, kernel_size, stride, padding, dilation, groups):
    """``(N, G, L, C/G * K)`` and the window counts."""
    nd = len(kernel_size)
    n, c = x.shape[:2]
    count = geo.window_counts(x.shape[2:], kernel_size, stride, padding, dilation)
    w = windows(pad(x, pad_width=((0, 0), (0, 0), *padding), value=0),
                window_tables(count, kernel_size, stride, dilation))
    w = ops.reshape(w, shape=(n, groups, c // groups, math.prod(count),
                              math.prod(kernel_size)))
    w = ops.permute(w, axes=(0, 1, 3, 2, 4))
    return ops.reshape(w, shape=(n, groups, math.prod(count),
                                 c // groups * math.prod(kernel_size))), count, nd


def _swap_last(t):
    n = len(t.shape)
    return ops.permute(t, axes=(*range(n - 2), n - 1, n - 2))


@composite("conv")
def conv(x, w, *, stride, padding, dilation, groups):
    cols, count, _ = _grouped_windows(x, w.shape[2:], stride, padding, dilation, groups)
    out_ch = w.shape[0]
    weight = ops.reshape(w, shape=(groups, out_ch // groups, math.prod(w.shape[1:])))
    y = ops.matmul(cols, _swap_last(weight))  # (N, G, L, O/G)
    y = ops.permute(y, axes=(0, 1, 3, 2))
    return ops.reshape(y, shape=(x.shape[0], out_ch, *count))


@composite("conv_weight_grad")
def conv_weight_grad(x, g, *, stride, padding, dilation, groups, kernel_size):
    cols, count, _ = _grouped_windows(x, kernel_size, stride, padding, dilation, groups)
    n, out_ch = g.shape[:2]
    grads = ops.reshape(g, shape=(n, groups, out_ch // groups, math.prod(count)))
    dw = ops.sum(ops.matmul(grads, cols), axis=(0,), keepdims=False)  # (G, O/G, C/G*K)
    return ops.reshape(dw, shape=(out_ch, x.shape[1] // groups, *kernel_size))


@composite("conv_transpose")
def conv_transpose(y, w, *, stride, padding, dilation, groups, output_size):
    n, in_ch = y.shape[:2]
    kernel_size = tuple(w.shape[2:])
    out_per_group = w.shape[1]
    taps = math.prod(kernel_size)
    weight = ops.reshape(w, shape=(groups, in_ch // groups, out_per_group * taps))
    grads = ops.reshape(y, shape=(n, groups, in_ch // groups, math.prod(y.shape[2:])))
    cols = ops.matmul(_swap_last(weight), grads)  # (N, G, O/G * K, L)
    count = tuple(y.shape[2:])  # one window per input element (output_size may add more)
    values = ops.reshape(cols, shape=(n, groups * out_per_group, *kernel_size, *count))
    nd = len(count)
    values = ops.permute(values, axes=(0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd)))
    plane = geo.padded_sizes(output_size, padding, count, stride, dilation, kernel_size)
    full = add_windows(values, plane, window_tables(count, kernel_size, stride, dilation))
    return crop(full, padding, output_size)
