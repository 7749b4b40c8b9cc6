"""Non-maximum suppression (``torchvision.ops.nms`` / ``batched_nms``).

Greedy NMS: sort boxes by score (descending); take the best remaining box, drop every
remaining box whose IoU with it is ``> iou_threshold``; repeat. Returns the kept indices
(int64) in decreasing score order. Batched NMS runs NMS independently per category by
offsetting each category's boxes by ``idx * (max_coordinate + 1)`` so boxes of different
categories never overlap. Selection is not differentiable (indices), as in torchvision; it runs
on the host with NumPy and works for every backend.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.errors import ShapeError

__all__ = ["nms", "batched_nms"]


def _nms_numpy(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1) * (y2 - y1)
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        with np.errstate(invalid="ignore", divide="ignore"):
            iou = inter / (area[i] + area[rest] - inter)
        order = rest[~(iou > iou_threshold)]
    return np.asarray(keep, dtype=np.int64)


def _check(op: str, boxes, scores) -> None:
    if boxes.ndim != 2 or boxes.shape[-1] != 4:
        raise ShapeError(f"{op}: boxes must have shape (N, 4), got {tuple(boxes.shape)}")
    if scores.ndim != 1 or scores.shape[0] != boxes.shape[0]:
        raise ShapeError(f"{op}: scores must have shape ({boxes.shape[0]},), "
                         f"got {tuple(scores.shape)}")


def nms(boxes, scores, iou_threshold: float):
    """Indices of the boxes kept by greedy NMS, sorted by decreasing score."""
    _check("nms", boxes, scores)
    keep = _nms_numpy(np.asarray(boxes.numpy(), dtype=np.float64),
                      np.asarray(scores.numpy(), dtype=np.float64), float(iou_threshold))
    return lucid.tensor(keep, dtype=lucid.int64, device=boxes.device)


def batched_nms(boxes, scores, idxs, iou_threshold: float):
    """NMS run independently for each category ``idxs[i]``; kept indices by decreasing score."""
    _check("batched_nms", boxes, scores)
    if idxs.ndim != 1 or idxs.shape[0] != boxes.shape[0]:
        raise ShapeError(f"batched_nms: idxs must have shape ({boxes.shape[0]},), "
                         f"got {tuple(idxs.shape)}")
    b = np.asarray(boxes.numpy(), dtype=np.float64)
    if b.shape[0] == 0:
        return lucid.tensor(np.zeros(0, np.int64), dtype=lucid.int64, device=boxes.device)
    offsets = np.asarray(idxs.numpy(), dtype=np.float64) * (b.max() + 1)
    keep = _nms_numpy(b + offsets[:, None], np.asarray(scores.numpy(), dtype=np.float64),
                      float(iou_threshold))
    return lucid.tensor(keep, dtype=lucid.int64, device=boxes.device)
