"""RoIAlign (He et al., "Mask R-CNN", ICCV 2017), as ``torchvision.ops.roi_align``.

Each region ``(x1, y1, x2, y2) * spatial_scale`` (minus 0.5 when ``aligned``) is split into
``output_size`` bins; each bin averages ``gh x gw`` bilinearly interpolated samples at
``start + p * bin + (i + 0.5) * bin / g`` (``g = sampling_ratio``, or ``ceil(roi / out)`` when
it is ``<= 0``). Samples with a coordinate outside ``[-1, size]`` count as zero; coordinates in
``[-1, 0]`` clamp to 0 and those past ``size - 1`` to ``size - 1``. Without ``aligned`` a region
is at least 1x1.

Bilinear weights and the bounds test factor into a y part and an x part, so the whole op is
``out[k] = A_y[k] @ input[b_k] @ A_x[k]^T`` with per-region interpolation matrices
``A_y (out_h, H)`` and ``A_x (out_w, W)`` (built on the host). The op is linear in ``input``:
its gradient flows through the two matrix products (the region coordinates get none, as in
torchvision).
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.errors import ShapeError
from lucid.models.detection.ops.rois import pair, rois_to_numpy

__all__ = ["roi_align", "interpolation_matrix"]


def interpolation_matrix(start: np.ndarray, length: np.ndarray, bins: int, size: int,
                         sampling_ratio: int) -> np.ndarray:
    """``(K, bins, size)`` matrix averaging the bilinear samples of each bin along one axis."""
    k = start.shape[0]
    bin_size = length / bins
    grid = (np.full(k, sampling_ratio) if sampling_ratio > 0
            else np.ceil(length / bins).astype(np.int64))
    grid = np.maximum(grid, 0).astype(np.int64)
    g_max = max(int(grid.max()) if k else 0, 1)
    p = np.arange(bins)[None, :, None]
    i = np.arange(g_max)[None, None, :]
    g = np.maximum(grid, 1)[:, None, None]
    step = bin_size[:, None, None]
    pos = start[:, None, None] + p * step + (i + 0.5) * step / g
    used = (i < grid[:, None, None]) & (pos >= -1.0) & (pos <= size)
    pos = np.maximum(pos, 0.0)
    low = np.floor(pos).astype(np.int64)
    edge = low >= size - 1
    low = np.where(edge, size - 1, low)
    high = np.where(edge, size - 1, low + 1)
    frac = np.where(edge, 0.0, pos - low)
    weight = used / g
    out = np.zeros((k, bins, size))
    kk = np.broadcast_to(np.arange(k)[:, None, None], pos.shape)
    pp = np.broadcast_to(p, pos.shape)
    np.add.at(out, (kk, pp, low), weight * (1.0 - frac))
    np.add.at(out, (kk, pp, high), weight * frac)
    return out


def roi_align(input, boxes, output_size, spatial_scale: float = 1.0, sampling_ratio: int = -1,
              aligned: bool = False):
    """Pool each region of ``input (N, C, H, W)`` to ``(K, C, out_h, out_w)`` by RoIAlign.

    ``boxes``: ``(K, 5)`` rows ``(batch_index, x1, y1, x2, y2)`` or a list of ``(K_i, 4)``
    tensors, one per image, in input coordinates (scaled by ``spatial_scale``).
    """
    if input.ndim != 4:
        raise ShapeError(f"roi_align: input must be (N, C, H, W), got {tuple(input.shape)}")
    out_h, out_w = pair("roi_align", output_size)
    n, c, h, w = input.shape
    rois = rois_to_numpy("roi_align", boxes, n)
    k = rois.shape[0]
    if k == 0:
        return lucid.zeros((0, c, out_h, out_w), dtype=input.dtype, device=input.device)
    offset = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = (rois[:, j] * spatial_scale - offset for j in range(1, 5))
    rw, rh = x2 - x1, y2 - y1
    if not aligned:
        rw, rh = np.maximum(rw, 1.0), np.maximum(rh, 1.0)
    ay = interpolation_matrix(y1, rh, out_h, h, sampling_ratio)
    ax = interpolation_matrix(x1, rw, out_w, w, sampling_ratio)
    batch_idx = rois[:, 0].astype(np.int64)
    pieces, order = [], []
    for b in np.unique(batch_idx):
        sel = np.nonzero(batch_idx == b)[0]
        a_y = lucid.tensor(ay[sel].reshape(-1, h), dtype=input.dtype, device=input.device)
        a_x = lucid.tensor(ax[sel].transpose(0, 2, 1)[:, None], dtype=input.dtype,
                           device=input.device)
        feat = input[int(b)].permute(1, 0, 2).reshape(h, c * w)
        rows = lucid.matmul(a_y, feat).reshape(len(sel), out_h, c, w).permute(0, 2, 1, 3)
        pieces.append(lucid.matmul(rows, a_x))
        order.append(sel)
    out = pieces[0] if len(pieces) == 1 else lucid.cat(pieces, dim=0)
    order = np.concatenate(order)
    if (order != np.arange(k)).any():
        inverse = np.argsort(order)
        out = lucid.index_select(out, 0, lucid.tensor(inverse, dtype=lucid.int64,
                                                     device=input.device))
    return out
