"""Strided-window helpers shared by the convolution, pooling and unfold/fold kernels.

All of them work on arrays ``(*lead, *spatial)`` whose last ``nd`` axes are spatial.

* :func:`pad` pads (or, for negative widths, crops) the spatial axes.
* :func:`windows` is the zero-copy im2col: a read-only ``as_strided`` view
  ``(*lead, *L, *K)`` of every window position ``L`` and kernel tap ``K``.
* :func:`shifted_columns` is the stride-1 variant used by convolution: with the padded
  input flattened per channel, the tap ``k`` of every output position is the contiguous
  run ``flat[off(k) : off(k) + M]``, so copying the columns is a sequence of long
  contiguous copies (fast), at the price of computing ``Sp/L`` extra columns that are
  cropped away afterwards.
* :func:`col2im` scatters window values back with one strided ``+=`` per kernel tap
  (no ``np.add.at``).
"""

from __future__ import annotations

import itertools
import math
import threading

import numpy as np
from numpy.lib.stride_tricks import as_strided

from lucid.kernel_geometry import valid_window_counts

_SCRATCH = threading.local()
SCRATCH_LIMIT = 1 << 28  # bytes per slot kept for reuse (256 MiB)


def scratch(shape, dtype, slot: str) -> np.ndarray:
    """An uninitialised C-contiguous array for a kernel-internal temporary, reused across
    calls (per thread and ``slot``) so large im2col buffers do not pay fresh page faults
    on every call. Never return it (or a view of it) from a kernel."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype)
    pool = _SCRATCH.__dict__
    buf = pool.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = pool[slot] = np.empty(max(nbytes, 1), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def copy_to_scratch(view: np.ndarray, slot: str) -> np.ndarray:
    """``np.ascontiguousarray(view)`` into a reused scratch buffer."""
    out = scratch(view.shape, view.dtype, slot)
    np.copyto(out, view)
    return out


def pad(x: np.ndarray, pads, value=0.0) -> np.ndarray:
    """Pad the last ``len(pads)`` axes by ``(before, after)`` each (negative = crop)."""
    nd = len(pads)
    lead = x.ndim - nd
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return x
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0))
                 for (lo, hi), n in zip(pads, x.shape[lead:]))
    x = x[(Ellipsis,) + crop]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    if not any(lo or hi for lo, hi in grow):
        return x
    shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], grow))
    out = np.full(shape, value, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[lead:], grow))] = x
    return out


def windows(x: np.ndarray, kernel, stride, dilation, count=None) -> np.ndarray:
    """Read-only view ``(*lead, *L, *K)``: ``view[..., l, k] = x[..., l*stride + k*dilation]``.

    ``count`` (optional) limits the number of window positions per dim.
    """
    nd = len(kernel)
    lead = x.ndim - nd
    sizes = x.shape[lead:]
    if count is None:
        count = valid_window_counts(sizes, kernel, stride, dilation)
    st = x.strides[lead:]
    shape = x.shape[:lead] + tuple(count) + tuple(kernel)
    strides = (x.strides[:lead] + tuple(a * s for a, s in zip(st, stride))
               + tuple(a * d for a, d in zip(st, dilation)))
    return as_strided(x, shape, strides, writeable=False)


def columns(x: np.ndarray, kernel, stride, dilation, count=None, slot: str | None = None):
    """Contiguous im2col ``(*lead, *K, P)`` with ``P = prod(L)`` (kernel taps before
    positions, so ``weight @ columns`` is one GEMM per leading index), in the scratch
    buffer ``slot`` when given; returns ``(columns, L)``."""
    nd = len(kernel)
    win = windows(x, kernel, stride, dilation, count)
    lead = win.ndim - 2 * nd
    order = (tuple(range(lead)) + tuple(range(lead + nd, lead + 2 * nd))
             + tuple(range(lead, lead + nd)))
    win = win.transpose(order)
    cols = copy_to_scratch(win, slot) if slot else np.ascontiguousarray(win)
    return cols.reshape(cols.shape[:lead + nd] + (-1,)), win.shape[lead:lead + nd]


def flat_padded(x: np.ndarray, pads, kernel, dilation):
    """``x`` zero-padded and flattened per leading index into ``(*lead, F)``, with
    enough zero slack at the end of each row for :func:`shifted_columns`.
    Returns ``(buffer, padded spatial shape)``."""
    nd = len(pads)
    lead = x.shape[:x.ndim - nd]
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0))
                 for (lo, hi), n in zip(pads, x.shape[len(lead):]))
    x = x[(Ellipsis,) + crop]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    sp = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[len(lead):], grow))
    rest = [math.prod(sp[i + 1:]) for i in range(nd)]
    slack = sum(d * (k - 1) * r for d, k, r in zip(dilation[1:], kernel[1:], rest[1:]))
    total = math.prod(sp)
    buf = np.zeros(lead + (total + slack,), dtype=x.dtype)
    inner = buf[..., :total].reshape(lead + sp)
    inner[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in
                              zip(x.shape[len(lead):], grow))] = x
    return buf, sp


def shifted_columns(buf: np.ndarray, sp, kernel, dilation) -> tuple[np.ndarray, tuple]:
    """Stride-1 im2col from :func:`flat_padded`: a read-only view ``(*lead, *K, M)`` with
    ``view[..., k, q] = flat[..., q + sum_i k_i*d_i*R_i]`` (``R_i`` the row sizes), and
    the output grid ``(L_1, Sp_2, ..., Sp_nd)`` whose flattening gives ``M``; columns at
    ``j_i >= L_i`` (i >= 2) are garbage to crop."""
    nd = len(sp)
    rest = [math.prod(sp[i + 1:]) for i in range(nd)]
    first = sp[0] - dilation[0] * (kernel[0] - 1)
    grid = (first,) + tuple(sp[1:])
    m = math.prod(grid)
    item = buf.strides[-1]
    lead = buf.shape[:-1]
    view = as_strided(buf, lead + tuple(kernel) + (m,),
                      buf.strides[:-1] + tuple(d * r * item for d, r in zip(dilation, rest))
                      + (item,), writeable=False)
    return view, grid


def col2im(cols: np.ndarray, sizes, stride, dilation, dtype=None) -> np.ndarray:
    """Adjoint of :func:`windows`: ``cols (*lead, *K, *L)`` summed into a zero array of
    spatial shape ``sizes`` at ``l*stride + k*dilation`` (one strided ``+=`` per tap)."""
    nd = len(sizes)
    kernel = cols.shape[cols.ndim - 2 * nd:cols.ndim - nd]
    count = cols.shape[cols.ndim - nd:]
    lead = cols.shape[:cols.ndim - 2 * nd]
    out = np.zeros(lead + tuple(sizes), dtype=dtype or cols.dtype)
    for tap in itertools.product(*(range(k) for k in kernel)):
        dst = tuple(slice(t * d, t * d + (c - 1) * s + 1, s)
                    for t, d, c, s in zip(tap, dilation, count, stride))
        out[(Ellipsis,) + dst] += cols[(Ellipsis,) + tap + (slice(None),) * nd]
    return out
