"""Inference post-processing shared by the YOLO detectors: score threshold, per-class NMS,
torchvision's output format.

Given decoded candidate boxes ``(N, M, 4)`` (``xyxy`` pixels) with per-class scores
``(N, M, C)`` (objectness x class probability), every (box, class) pair scoring above
``score_thresh`` is kept, then ``batched_nms`` (one NMS per class) with ``nms_thresh``, and
at most ``max_detections`` per image. The result per image is a dict ``boxes`` ``(K, 4)``
float32, ``scores`` ``(K,)`` float32 (decreasing), ``labels`` ``(K,)`` int64, on the input's
device, as torchvision's detectors return in eval mode.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.models.detection.ops.nms import batched_nms

__all__ = ["to_detections"]


def to_detections(boxes, class_scores, score_thresh: float = 0.25, nms_thresh: float = 0.45,
                  max_detections: int = 100, image_size=None) -> list[dict]:
    """Detections per image from ``boxes`` ``(N, M, 4)`` and ``class_scores`` ``(N, M, C)``
    (tensors or arrays), boxes clipped to ``image_size = (H, W)`` when given."""
    device = boxes.device if hasattr(boxes, "device") else "cpu"
    b_all = np.asarray(boxes.numpy() if hasattr(boxes, "numpy") else boxes, np.float32)
    s_all = np.asarray(class_scores.numpy() if hasattr(class_scores, "numpy")
                       else class_scores, np.float32)
    results = []
    for b, s in zip(b_all, s_all):
        if image_size is not None:
            b = b.copy()
            b[:, 0::2] = b[:, 0::2].clip(0, image_size[1])
            b[:, 1::2] = b[:, 1::2].clip(0, image_size[0])
        box_i, cls_i = np.nonzero(s > score_thresh)
        cand_b, cand_s = b[box_i], s[box_i, cls_i]
        if cand_s.size:
            keep = batched_nms(lucid.tensor(cand_b), lucid.tensor(cand_s),
                               lucid.tensor(cls_i.astype(np.int64)), nms_thresh).numpy()
            keep = keep[:max_detections]
        else:
            keep = np.zeros(0, np.int64)
        results.append({
            "boxes": lucid.tensor(cand_b[keep].reshape(-1, 4), device=device),
            "scores": lucid.tensor(cand_s[keep], device=device),
            "labels": lucid.tensor(cls_i[keep].astype(np.int64), dtype=lucid.int64,
                                   device=device)})
    return results
