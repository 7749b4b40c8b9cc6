"""Convolutions as window gathers and matmuls: the float64 path of ``conv.py``.

MLX's ``conv_general`` accumulates float64 convolutions at float32 precision (errors
near 1e-7) and refuses float64 with kernel or input dilation (``[Convolution::eval] got
unsupported data type``, mlx 0.32). Lucid's float64 must be float64, so float64
convolutions are written here from slicing, padding and MLX's float64 ``matmul``
(accurate), with one Python loop over the kernel offsets only (never over batch,
channels or pixels).

With ``xp`` the padded input, ``P = prod(K)`` kernel offsets and ``L`` output positions:

* windows:   ``cols[n, c, p, l] = xp[n, c, l*s + k_p*d]``        (im2col by strided slices)
* conv:      ``y[n, g, o, l]   = sum_{c, p} w[g, o, c, p] cols[n, g, c, p, l]``
* weight:    ``dw[g, o, c, p]  = sum_{n, l} g[n, g, o, l] cols[n, g, c, p, l]``
* transpose: ``dcols = w^T g``, then each offset's slab is spread back (stride-dilated,
  shifted by ``k_p*d``) and summed: the adjoint of the window gather (col2im).
"""

from __future__ import annotations

import itertools
import math

import mlx.core as mx

from lucid.kernel_geometry import valid_window_counts


def pad_crop(x, pads):
    """Pad (positive) or crop (negative) the spatial dims of a channels-first array."""
    index = [slice(None), slice(None)]
    for (lo, hi), n in zip(pads, x.shape[2:]):
        index.append(slice(max(-lo, 0), n - max(-hi, 0)))
    x = x[tuple(index)]
    widths = [(0, 0), (0, 0)] + [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    return mx.pad(x, widths) if any(w != (0, 0) for w in widths) else x


def _offsets(kernel_size):
    return list(itertools.product(*[range(k) for k in kernel_size]))


def windows(xp, kernel_size, stride, dilation, out_size):
    """``cols`` of shape ``(N, C, P, *L)``: every kernel offset's strided view of ``xp``."""
    slabs = []
    for k in _offsets(kernel_size):
        index = [slice(None), slice(None)]
        for ki, si, di, li in zip(k, stride, dilation, out_size):
            start = ki * di
            index.append(slice(start, start + (li - 1) * si + 1, si))
        slabs.append(xp[tuple(index)])
    return mx.stack(slabs, axis=2)


def _out_size(padded, kernel_size, stride, dilation):
    return list(valid_window_counts(padded, kernel_size, stride, dilation))


def conv(x, w, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o, kernel_size = w.shape[0], w.shape[2:]
    xp = pad_crop(x, padding)
    out = _out_size(xp.shape[2:], kernel_size, stride, dilation)
    cols = windows(xp, kernel_size, stride, dilation, out)
    p, flat = math.prod(kernel_size), math.prod(out)
    cols = cols.reshape(n, groups, (c // groups) * p, flat)
    wk = w.reshape(1, groups, o // groups, (c // groups) * p)
    return mx.matmul(wk, cols).reshape([n, o] + out)


def weight_grad(x, g, kernel_size, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o, out = g.shape[1], list(g.shape[2:])
    xp = pad_crop(x, padding)
    cols = windows(xp, kernel_size, stride, dilation, out)
    p, flat = math.prod(kernel_size), math.prod(out)
    cols = cols.reshape(n, groups, (c // groups) * p, flat)
    gk = g.reshape(n, groups, o // groups, flat)
    dw = mx.sum(mx.matmul(gk, mx.swapaxes(cols, -1, -2)), axis=0)
    return dw.reshape([o, c // groups] + list(kernel_size))


def spread(slab, offset, stride, dilation, padded):
    """Place ``slab[..., l]`` at ``l*s + offset*d`` inside zeros of size ``padded``."""
    for axis, (k, s, d, size) in enumerate(zip(offset, stride, dilation, padded), start=2):
        length = slab.shape[axis]
        if s > 1:
            zeros = mx.zeros(slab.shape[:axis + 1] + (s - 1,) + slab.shape[axis + 1:],
                             dtype=slab.dtype)
            slab = mx.concatenate([mx.expand_dims(slab, axis + 1), zeros], axis=axis + 1)
            slab = slab.reshape(slab.shape[:axis] + (length * s,) + slab.shape[axis + 2:])
            slab = slab[tuple([slice(None)] * axis + [slice(0, (length - 1) * s + 1)])]
        before = k * d
        after = size - before - slab.shape[axis]
        widths = [(0, 0)] * slab.ndim
        widths[axis] = (before, after)
        slab = mx.pad(slab, widths)
    return slab


def transpose(g, w, output_size, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    cg, kernel_size = w.shape[1], w.shape[2:]
    out, c = list(g.shape[2:]), cg * groups
    p, flat = math.prod(kernel_size), math.prod(out)
    wk = mx.swapaxes(w.reshape(1, groups, o // groups, cg * p), -1, -2)
    dcols = mx.matmul(wk, g.reshape(n, groups, o // groups, flat))
    dcols = dcols.reshape([n, c, p] + out)
    padded = [s + lo + hi for s, (lo, hi) in zip(output_size, padding)]
    total = None
    for i, k in enumerate(_offsets(kernel_size)):
        part = spread(dcols[:, :, i], k, stride, dilation, padded)
        total = part if total is None else total + part
    return pad_crop(total, [(-lo, -hi) for lo, hi in padding])
