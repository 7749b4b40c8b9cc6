"""Convolution in batch-last / channels-last layouts: few large GEMMs for the whole batch.

* forward (``groups == 1``, :func:`conv_channels_last`): columns ``(N*P, K*C)`` from a
  channels-last copy, one tall GEMM ``cols @ w (K*C, O)`` (the fast SGEMM shape for a
  thin weight); other groups: :func:`conv`, ``w @ cols (G, Cg*K, P*N)``.
* weight gradient: columns ``(C*K, P*N)`` of a ``(C, *Sp, N)`` copy (runs of at least
  ``N`` elements) times ``g`` as ``(P*N, O)``.
* input gradient: :func:`transpose_blocked` (stride 1, ``groups == 1``: sample blocks,
  full correlation along the last axis, one ``+=`` per remaining tap), else
  :func:`transpose` (``y @ w[:, :, t]`` per tap, one strided ``+=`` per tap).

Thin GEMMs are run in 256-row / 256-reduction blocks (:func:`_matmul_tall`,
:func:`_matmul_long`), which OpenBLAS runs fastest (and single-threaded).
This layout wins when each sample's GEMM would be small (few output positions per
sample), where the per-sample layout of :mod:`conv` leaves BLAS underused.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from lucid.kernel_geometry import valid_window_counts
from lucid_backend_numpy.kernels._im2col import copy_to_scratch, scratch


def batch_last(x: np.ndarray, padding) -> np.ndarray:
    """``(N, C, *S)`` -> zero-padded ``(C, *Sp, N)`` (negative padding crops), in the
    scratch slot ``padded`` (valid until the next call)."""
    n, c = x.shape[:2]
    crop = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(padding, x.shape[2:]))
    x = x[(Ellipsis,) + crop]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in padding]
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], grow))
    out = scratch((c,) + sp + (n,), x.dtype, "padded")  # only read by columns()
    out.fill(0)
    inner = tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[2:], grow))
    out[(slice(None),) + inner] = np.moveaxis(x, 0, -1)
    return out


def columns(xt: np.ndarray, kernel, stride, dilation, count=None):
    """Columns ``(C*K, P*N)`` (scratch) of a batch-last array ``(C, *Sp, N)``."""
    nd = len(kernel)
    sp = xt.shape[1:1 + nd]
    count = tuple(count) if count is not None else valid_window_counts(sp, kernel, stride, dilation)
    st = xt.strides
    view = as_strided(
        xt, (xt.shape[0],) + tuple(kernel) + count + (xt.shape[-1],),
        (st[0],) + tuple(st[1 + i] * dilation[i] for i in range(nd))
        + tuple(st[1 + i] * stride[i] for i in range(nd)) + (st[-1],), writeable=False)
    cols = copy_to_scratch(view, "columns")
    return cols.reshape(xt.shape[0] * math.prod(kernel), -1), count


def _positions_batch_channels(g, groups):
    """``(N, I, *L)`` -> ``(G, P*N, Ig)`` (rows ordered ``(p, n)`` like the columns).
    This transposition order is the cheap one for NumPy's strided copy."""
    n, i = g.shape[:2]
    p = math.prod(g.shape[2:])
    gp = scratch((p, n, i), g.dtype, "grad_t")
    np.copyto(gp, g.reshape(n, i, p).transpose(2, 0, 1))
    return gp.reshape(p * n, groups, i // groups).transpose(1, 0, 2)


# GEMMs with a small operand (K*O below SMALL_GEMM elements) are cut into blocks of
# BLOCK_ROWS rows (or of the reduction): OpenBLAS runs such blocks on one thread without
# synchronisation, ~1.4x faster than one long GEMM on one thread, and with 2 threads
# they avoid its poorly scaling threaded path for thin matrices.
BLOCK_ROWS = 256
SMALL_GEMM = 8192


def _matmul_tall(a, b):
    """``a (M, K) @ b (K, O)`` in row blocks when ``K*O`` is small."""
    m = a.shape[0]
    if b.size > SMALL_GEMM or m < 2 * BLOCK_ROWS:
        return np.matmul(a, b)
    out = np.empty((m, b.shape[1]), dtype=np.result_type(a, b))
    q = m - m % BLOCK_ROWS
    np.matmul(a[:q].reshape(-1, BLOCK_ROWS, a.shape[1]), b,
              out=out[:q].reshape(-1, BLOCK_ROWS, b.shape[1]))
    if q < m:
        np.matmul(a[q:], b, out=out[q:])
    return out


def _matmul_long(a, b):
    """``a (R, K) @ b (K, O)`` for a long reduction ``K``, in reduction blocks summed
    when ``R*O`` is small."""
    k = a.shape[1]
    if a.shape[0] * b.shape[1] > SMALL_GEMM or k < 2 * BLOCK_ROWS:
        return np.matmul(a, b)
    q = k - k % BLOCK_ROWS
    nb = q // BLOCK_ROWS
    part = np.matmul(a[:, :q].reshape(a.shape[0], nb, BLOCK_ROWS).transpose(1, 0, 2),
                     b[:q].reshape(nb, BLOCK_ROWS, b.shape[1]))
    out = part.sum(axis=0)
    if q < k:
        out += np.matmul(a[:, q:], b[q:])
    return out


def conv(x, w, stride, padding, dilation, groups):
    n = x.shape[0]
    o, k = w.shape[0], w.shape[2:]
    cols, count = columns(batch_last(x, padding), k, stride, dilation)
    cols = cols.reshape(groups, -1, cols.shape[-1])
    yt = np.matmul(w.reshape(groups, o // groups, -1), cols)  # (G, Og, P*N)
    return np.ascontiguousarray(np.moveaxis(yt.reshape((o,) + count + (n,)), -1, 0))


def conv_channels_last(x, w, stride, padding, dilation):
    """``groups == 1`` forward with channels innermost: columns ``(N*P, K*C)`` copied in
    runs of ``K_last*C`` from a padded ``(N, *Sp, C)`` copy, then ONE tall GEMM
    ``cols @ w (K*C, O)``. A tall output ``(N*P, O)`` with few columns is the shape
    OpenBLAS's SGEMM runs fastest (~1.7x the wide ``(O, P*N)`` of :func:`conv`), and its
    per-sample transpose to ``(N, O, P)`` is cheap."""
    n, c = x.shape[:2]
    o, k = w.shape[0], tuple(w.shape[2:])
    nd = len(k)
    crop = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(padding, x.shape[2:]))
    x = x[(Ellipsis,) + crop]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in padding]
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], grow))
    if any(lo or hi for lo, hi in grow):
        xl = scratch((n,) + sp + (c,), x.dtype, "padded")
        xl.fill(0)
        inner = tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[2:], grow))
        xl[(slice(None),) + inner] = np.moveaxis(x, 1, -1)
    else:
        xl = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    count = valid_window_counts(sp, k, stride, dilation)
    st = xl.strides
    view = as_strided(
        xl, (n,) + count + k + (c,),
        (st[0],) + tuple(st[1 + i] * stride[i] for i in range(nd))
        + tuple(st[1 + i] * dilation[i] for i in range(nd)) + (st[-1],), writeable=False)
    cols = copy_to_scratch(view, "columns")
    p = math.prod(count)
    wk = np.ascontiguousarray(np.moveaxis(w.reshape(o, c, -1), 0, -1).swapaxes(0, 1))
    y = _matmul_tall(cols.reshape(n * p, -1), wk.reshape(-1, o))  # (N*P, O)
    return np.ascontiguousarray(y.reshape(n, p, o).transpose(0, 2, 1)).reshape((n, o) + count)


def weight_grad(x, g, stride, padding, dilation, groups, kernel_size):
    o, c = g.shape[1], x.shape[1]
    cols, _ = columns(batch_last(x, padding), kernel_size, stride, dilation, g.shape[2:])
    cols = cols.reshape(groups, -1, cols.shape[-1])
    gp = _positions_batch_channels(g, groups)
    if groups == 1:
        dw = _matmul_long(cols[0], gp[0])[None]
    else:
        dw = np.matmul(cols, gp)  # (G, Cg*K, Og)
    return np.ascontiguousarray(dw.transpose(0, 2, 1)).reshape(
        (o, c // groups) + tuple(kernel_size))


# Input gradient in sample blocks of about this many GEMM columns (the block's GEMM
# output stays in cache; measured best for LeNet-sized layers).
BLOCK_COLUMNS = 384


def transpose_blocked(y, w, padding, dilation, output_size):
    """Stride-1, ``groups == 1`` input gradient in blocks of ``b`` samples (batch
    innermost in a block), as a *full correlation along the last spatial axis* plus
    col2im along the others:

    * ``yc (N/b, Kl*O, *L', W*b)``: ``y`` zero-padded along the last axis, one shifted
      copy per last-axis tap (``W = L_last + d*(Kl-1)``, runs of ``W*b``);
    * ``cols (N/b, K'*C, *L', W*b) = w' (K'*C, Kl*O) @ yc`` (``K'`` the taps of the other
      axes, ``w'`` flipped along the last axis), one GEMM per block;
    * one ``+=`` per ``K'`` tap (5 for a 5x5 kernel, each a long contiguous run).

    Against ``w^T @ y`` + 25 tap adds this computes ``W/L_last`` times the flops but
    writes ``Kl``-times smaller columns; for LeNet c2 it is ~1.4x faster.
    Returns None when the shape does not suit (the caller falls back)."""
    n, o = y.shape[:2]
    c, k = w.shape[1], tuple(w.shape[2:])
    nd = len(k)
    count = tuple(y.shape[2:])
    sizes = tuple(m + d * (kk - 1) for m, d, kk in zip(count, dilation, k))
    if any(lo < 0 or lo + size > full for (lo, _), size, full
           in zip(padding, output_size, sizes)):
        return None
    kl, dl, wl = k[-1], dilation[-1], sizes[-1]
    if wl > 2 * count[-1]:  # too many extra flops for a wide kernel on a short axis
        return None
    lead = count[:-1]
    per_sample = math.prod(lead) * wl
    b = max(1, BLOCK_COLUMNS // per_sample)
    while n % b:
        b -= 1
    nb = n // b
    edge = dl * (kl - 1)
    yp = scratch((nb, o) + lead + (count[-1] + 2 * edge, b), y.dtype, "grad_t")
    yp.fill(0)
    order = (0, 2) + tuple(range(3, nd + 3)) + (1,)
    yp[..., edge:edge + count[-1], :] = y.reshape((nb, b, o) + count).transpose(order)
    st = yp.strides
    view = as_strided(yp, (nb, kl, o) + lead + (wl * b,),
                      (st[0], st[-2] * dl, st[1]) + st[2:-2] + (st[-1],), writeable=False)
    yc = copy_to_scratch(view, "columns").reshape(nb, kl * o, -1)
    lead_k = k[:-1]
    taps = math.prod(lead_k)
    wf = np.moveaxis(w.reshape((o, c, taps, kl))[..., ::-1], 0, -1)  # (C, T', Kl, O)
    wf = np.ascontiguousarray(wf.transpose(1, 0, 2, 3)).reshape(taps * c, kl * o)
    cols = scratch((nb, taps * c, yc.shape[-1]), y.dtype, "gemm")
    np.matmul(wf, yc, out=cols)
    cols = cols.reshape((nb, taps, c) + lead + (wl * b,))
    out = scratch((nb, c) + sizes[:-1] + (wl * b,), y.dtype, "col2im")
    out.fill(0)
    for t, tap in enumerate(itertools.product(*(range(kk) for kk in lead_k))):
        dst = tuple(slice(a * d, a * d + m) for a, d, m in zip(tap, dilation, lead))
        out[(slice(None), slice(None)) + dst] += cols[:, t]
    out = out.reshape((nb, c) + sizes + (b,))
    crop = tuple(slice(lo, lo + size) for (lo, _), size in zip(padding, output_size))
    out = out[(slice(None), slice(None)) + crop]
    order = (0, nd + 2, 1) + tuple(range(2, nd + 2))
    # always a copy: ``out`` is scratch memory (ascontiguousarray could return a view)
    return out.transpose(order).copy().reshape((n, c) + tuple(output_size))


def transpose(y, w, stride, padding, dilation, groups, output_size):
    """``cols[t] = y_pn @ w[:, :, t]`` for every tap ``t`` (one batched GEMM whose output
    ``(T, G, P*N, Cg)`` makes each tap's block contiguous), then one ``+=`` per tap into
    a ``(*S, N, G, Cg)`` buffer with long contiguous runs."""
    n, i = y.shape[:2]
    cg, k = w.shape[1], w.shape[2:]
    nd, taps, ig = len(k), math.prod(k), i // groups
    count = y.shape[2:]
    yp = _positions_batch_channels(y, groups)  # (G, P*N, Ig)
    wk = w.reshape(groups, ig, cg, taps).transpose(3, 0, 1, 2)  # (T, G, Ig, Cg)
    cols = scratch((taps, groups, yp.shape[1], cg), y.dtype, "columns")
    np.matmul(yp[None], wk, out=cols)
    cols = cols.reshape((taps, groups) + count + (n, cg))
    sizes = tuple(max((m - 1) * s + d * (kk - 1) + 1, lo + size) for m, s, d, kk, (lo, _), size
                  in zip(count, stride, dilation, k, padding, output_size))
    out = np.zeros(sizes + (n, groups, cg), dtype=y.dtype)
    for t, tap in enumerate(itertools.product(*(range(kk) for kk in k))):
        dst = tuple(slice(a * d, a * d + (m - 1) * s + 1, s)
                    for a, d, m, s in zip(tap, dilation, count, stride))
        out[dst] += np.moveaxis(cols[t], 0, -2)
    crop = tuple(slice(lo, lo + size) for (lo, _), size in zip(padding, output_size))
    out = out[crop].reshape(tuple(output_size) + (n, groups * cg))
    order = (nd, nd + 1) + tuple(range(nd))
    return np.ascontiguousarray(out.transpose(order))
