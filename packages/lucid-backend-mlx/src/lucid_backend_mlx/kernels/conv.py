"""Convolution kernels on ``mx.conv_general``: ``conv``, ``conv_transpose`` and
``conv_weight_grad`` (the three linear maps of core's ``lucid.ops.conv``).

Lucid is channels-first (``x: (N, C, *S)``, ``w: (O, C/groups, *K)``); MLX is
channels-last (``(N, *S, C)``, ``(O, *K, C/groups)``), so each kernel moves the channel
axis, calls ``mx.conv_general`` once, and moves it back:

* ``conv``: ``y[n, o, l] = sum_{c, k} w[o, c, k] xp[n, c, l*s + k*d]`` - one call with
  ``stride``, ``padding``, ``kernel_dilation``, ``groups``;
* ``conv_transpose`` (the adjoint in ``x``): the gradient dilated by the stride
  (``input_dilation=s``) convolved with the flipped kernel whose in/out channels are
  swapped per group, padded ``d*(K-1) - lo`` before and whatever makes the output
  ``output_size`` long after;
* ``conv_weight_grad`` (the adjoint in ``w``):
  ``dw[o, c, k] = sum_{n, l} g[n, o, l] xp[n, c, l*s + k*d]`` - im2col and one GEMM:
  the windows of the padded input as a strided view (``mx.as_strided``) times ``g``.

Negative paddings (cropping) are applied by slicing, since MLX pads only outward.
float64 goes to :mod:`._conv_windows` (MLX's float64 convolution is float32-grade), and
so do grouped 3-D convolutions (MLX supports ``groups > 1`` in 1-D and 2-D only) and
everything on MLX's CPU device, where ``conv_general`` is slower than window gathers
plus one matmul.
"""

from __future__ import annotations

import math

import mlx.core as mx

from lucid_backend_mlx.kernels import _conv_windows
from lucid_backend_mlx.kernels._registry import kernel


def _channels_last(a):
    return mx.moveaxis(a, 1, -1)


def _channels_first(a):
    return mx.moveaxis(a, -1, 1)


def _crop(y, lo_cut, hi_cut):
    """Drop ``lo_cut[i]`` leading and ``hi_cut[i]`` trailing positions of spatial dim i of a
    channels-last array."""
    if not any(lo_cut) and not any(hi_cut):
        return y
    index = [slice(None)]
    for lo, hi, n in zip(lo_cut, hi_cut, y.shape[1:-1]):
        index.append(slice(lo, n - hi))
    return y[tuple(index)]


def _split_pads(x, lo, hi):
    """Negative pads crop the (channels-last) input; returns it with the outward pads."""
    x = _crop(x, [max(-p, 0) for p in lo], [max(-p, 0) for p in hi])
    return x, [max(p, 0) for p in lo], [max(p, 0) for p in hi]


def _windows(x, stride, groups) -> bool:
    """Take the window-gather path (``_conv_windows``) for float64, for grouped 3-D
    convolutions (MLX handles groups in 1-D/2-D only), and on MLX's CPU device, where
    ``conv_general`` is 2-4x slower than gathering windows for one matmul (measured on
    mlx 0.32.4, Linux; cuDNN and Metal keep ``conv_general``)."""
    return (x.dtype == mx.float64 or (groups > 1 and len(stride) > 2)
            or mx.default_device() == mx.cpu)


def _on_integers(fn, x, w, *args):
    """An integer convolution as PyTorch computes one (MLX's matmul and ``conv_general``
    take floats only): in float64 on MLX's CPU device (exact while partial sums stay below
    2**53), rounded and cast back to the integer dtype."""
    with mx.stream(mx.cpu):
        y = fn(x.astype(mx.float64), w.astype(mx.float64), *args)
        return mx.round(y).astype(x.dtype)


@kernel("conv")
def conv(x, w, *, stride, padding, dilation, groups):
    if not mx.issubdtype(x.dtype, mx.inexact):
        return _on_integers(_conv_windows.conv, x, w, stride, padding, dilation, groups)
    if _windows(x, stride, groups):
        return _conv_windows.conv(x, w, stride, padding, dilation, groups)
    return general_conv(x, w, stride, padding, dilation, groups)


def general_conv(x, w, stride, padding, dilation, groups):
    """``conv`` as one ``mx.conv_general`` call (channels moved last and back)."""
    xs, lo, hi = _split_pads(_channels_last(x), [p[0] for p in padding],
                             [p[1] for p in padding])
    y = mx.conv_general(xs, _channels_last(w), stride=list(stride), padding=(lo, hi),
                        kernel_dilation=list(dilation), groups=groups)
    return _channels_first(y)


@kernel("conv_transpose")
def conv_transpose(g, w, *, output_size, stride, padding, dilation, groups):
    if not mx.issubdtype(g.dtype, mx.inexact):
        return _on_integers(_conv_windows.transpose, g, w, output_size, stride, padding,
                            dilation, groups)
    if _windows(g, stride, groups):
        return _conv_windows.transpose(g, w, output_size, stride, padding, dilation, groups)
    return general_transpose(g, w, output_size, stride, padding, dilation, groups)


def general_transpose(g, w, output_size, stride, padding, dilation, groups):
    """``conv_transpose`` as one ``mx.conv_general`` call: stride-dilated input, flipped
    kernel with in/out channels swapped per group."""
    nd = len(stride)
    out_ch, in_per_group = w.shape[0], w.shape[1]
    kernel_size = w.shape[2:]
    # (O, C/G, *K) -> (G, O/G, C/G, *K) -> (G, C/G, O/G, *K) -> (C, *K, O/G)
    wg = w.reshape((groups, out_ch // groups, in_per_group) + tuple(kernel_size))
    wg = mx.swapaxes(wg, 1, 2).reshape((groups * in_per_group, out_ch // groups)
                                       + tuple(kernel_size))
    wt = _channels_last(wg)
    lo, hi = [], []
    for i in range(nd):
        extent = dilation[i] * (kernel_size[i] - 1)
        lo_i = extent - padding[i][0]
        length = g.shape[2 + i]
        hi_i = output_size[i] - (length - 1) * stride[i] - 1 + padding[i][0]
        lo.append(lo_i)
        hi.append(hi_i)
    y = _transpose_conv(_channels_last(g), wt, stride, lo, hi, dilation, groups)
    return _channels_first(y)


def _transpose_conv(g, wt, stride, lo, hi, dilation, groups):
    if all(p >= 0 for p in lo) and all(p >= 0 for p in hi):
        return mx.conv_general(g, wt, stride=1, padding=(list(lo), list(hi)),
                               kernel_dilation=list(dilation), input_dilation=list(stride),
                               groups=groups, flip=True)
    # a padding larger than the kernel extent: convolve with zero padding there, crop after
    y = mx.conv_general(g, wt, stride=1, padding=([max(p, 0) for p in lo],
                                                  [max(p, 0) for p in hi]),
                        kernel_dilation=list(dilation), input_dilation=list(stride),
                        groups=groups, flip=True)
    return _crop(y, [max(-p, 0) for p in lo], [max(-p, 0) for p in hi])


@kernel("conv_weight_grad")
def conv_weight_grad(x, g, *, kernel_size, stride, padding, dilation, groups):
    if x.dtype == mx.float64:
        return _conv_windows.weight_grad(x, g, kernel_size, stride, padding, dilation, groups)
    return weight_grad_patches(x, g, kernel_size, stride, padding, dilation, groups)


def weight_grad_patches(x, g, kernel_size, stride, padding, dilation, groups):
    """``dw = g^T patches``: the padded input's windows as one strided view
    ``(N, *L, *K, C)`` (``mx.as_strided``), materialised once, and one matmul per group
    with the output gradient ``(N*L, O)``."""
    nd = len(kernel_size)
    n, channels = x.shape[0], x.shape[1]
    out_ch, count = g.shape[1], tuple(g.shape[2:])
    xs, lo, hi = _split_pads(_channels_last(x), [p[0] for p in padding],
                             [p[1] for p in padding])
    if any(lo) or any(hi):
        xs = mx.pad(xs, [(0, 0)] + list(zip(lo, hi)) + [(0, 0)])
    spatial = xs.shape[1:-1]
    row = [channels * math.prod(spatial[i + 1:]) for i in range(nd)]
    strides = ([channels * math.prod(spatial)] + [r * s for r, s in zip(row, stride)]
               + [r * d for r, d in zip(row, dilation)] + [1])
    shape = (n,) + count + tuple(kernel_size) + (channels,)
    rows, taps = n * math.prod(count), math.prod(kernel_size)
    patches = mx.as_strided(mx.contiguous(xs), shape, strides)
    per_group, out_per_group = channels // groups, out_ch // groups
    patches = patches.reshape(rows, taps, groups, per_group)
    patches = mx.transpose(patches, (2, 0, 1, 3)).reshape(groups, rows, taps * per_group)
    cotan = _channels_last(g).reshape(rows, groups, out_per_group)
    cotan = mx.transpose(cotan, (1, 2, 0))  # (G, O/G, rows)
    dw = mx.matmul(cotan, patches)  # (G, O/G, taps * C/G)
    dw = dw.reshape((out_ch,) + tuple(kernel_size) + (per_group,))
    return _channels_first(dw)
