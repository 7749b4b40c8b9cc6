"""RoI max pooling (Girshick, "Fast R-CNN", ICCV 2015), as ``torchvision.ops.roi_pool``.

A region's corners are scaled by ``spatial_scale`` and rounded (half away from zero); the
region, at least 1x1 and inclusive of its end pixel (``size = end - start + 1``), is split into
``output_size`` bins ``[floor(p * size / out), ceil((p + 1) * size / out))`` offset by the start
and clipped to the feature map; each output is the maximum of its bin (0 for an empty bin).
The arg-max positions are found on the host; the output gathers those input elements, so the
gradient goes to the arg-max of each bin, as in torchvision.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.errors import ShapeError
from lucid.models.detection.ops.rois import pair, rois_to_numpy

__all__ = ["roi_pool"]


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _bin_edges(start: int, size: int, bins: int, limit: int):
    p = np.arange(bins)
    lo = np.clip(np.floor(p * size / bins).astype(np.int64) + start, 0, limit)
    hi = np.clip(np.ceil((p + 1) * size / bins).astype(np.int64) + start, 0, limit)
    return lo, hi


def roi_pool(input, boxes, output_size, spatial_scale: float = 1.0):
    """Max-pool each region of ``input (N, C, H, W)`` to ``(K, C, out_h, out_w)``.

    ``boxes``: ``(K, 5)`` rows ``(batch_index, x1, y1, x2, y2)`` or a list of ``(K_i, 4)``
    tensors, one per image.
    """
    if input.ndim != 4:
        raise ShapeError(f"roi_pool: input must be (N, C, H, W), got {tuple(input.shape)}")
    out_h, out_w = pair("roi_pool", output_size)
    n, c, h, w = input.shape
    rois = rois_to_numpy("roi_pool", boxes, n)
    k = rois.shape[0]
    data = np.asarray(input.detach().numpy())
    flat_idx = np.zeros((k, c, out_h, out_w), dtype=np.int64)
    valid = np.zeros((k, 1, out_h, out_w), dtype=bool)
    corners = _round_half_away(rois[:, 1:] * spatial_scale).astype(np.int64)
    for r in range(k):
        b = int(rois[r, 0])
        x1, y1, x2, y2 = corners[r]
        ys, ye = _bin_edges(y1, max(y2 - y1 + 1, 1), out_h, h)
        xs, xe = _bin_edges(x1, max(x2 - x1 + 1, 1), out_w, w)
        for i in range(out_h):
            for j in range(out_w):
                if ye[i] <= ys[i] or xe[j] <= xs[j]:
                    continue
                window = data[b, :, ys[i]:ye[i], xs[j]:xe[j]].reshape(c, -1)
                arg = window.argmax(axis=1)
                yy = ys[i] + arg // (xe[j] - xs[j])
                xx = xs[j] + arg % (xe[j] - xs[j])
                flat_idx[r, :, i, j] = ((b * c + np.arange(c)) * h + yy) * w + xx
                valid[r, 0, i, j] = True
    idx = lucid.tensor(flat_idx.reshape(-1), dtype=lucid.int64, device=input.device)
    out = lucid.take(input.reshape(-1), idx).reshape(k, c, out_h, out_w)
    mask = lucid.tensor(valid, dtype=input.dtype, device=input.device)
    return out * mask
