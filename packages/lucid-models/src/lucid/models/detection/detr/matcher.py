"""DETR's bipartite matching of predictions to ground truth (Hungarian algorithm:
``lucid.models.detection.ops.linear_sum_assignment``, SciPy's answer without SciPy).

Cost of pairing prediction ``i`` with object ``j``:
``C_ij = -w_class p_i(c_j) + w_bbox ||b_i - b_j||_1 + w_giou (-GIoU(b_i, b_j))``
(boxes normalised cxcywh; GIoU on their xyxy form); the assignment minimising the total cost
is found per image. Not differentiable (indices).
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.models.detection.ops import box_convert, generalized_box_iou, linear_sum_assignment
from lucid.nn import functional as F

__all__ = ["HungarianMatcher"]


class HungarianMatcher:
    def __init__(self, cost_class: float = 1.0, cost_bbox: float = 5.0,
                 cost_giou: float = 2.0) -> None:
        if cost_class == 0 and cost_bbox == 0 and cost_giou == 0:
            raise ValueError("HungarianMatcher: all costs are zero")
        self.cost_class, self.cost_bbox, self.cost_giou = cost_class, cost_bbox, cost_giou

    def __call__(self, pred_logits, pred_boxes, targets):
        """One ``(prediction_indices, target_indices)`` pair of int64 arrays per image."""
        with lucid.no_grad():
            prob = F.softmax(pred_logits, dim=-1).numpy()
            boxes = pred_boxes.numpy()
            out = []
            for i, t in enumerate(targets):
                labels = t["labels"].numpy().astype(np.int64)
                if labels.size == 0:
                    out.append((np.zeros(0, np.int64), np.zeros(0, np.int64)))
                    continue
                tb = t["boxes"].numpy()
                l1 = np.abs(boxes[i][:, None, :] - tb[None, :, :]).sum(-1)
                giou = generalized_box_iou(
                    box_convert(lucid.tensor(boxes[i]), "cxcywh", "xyxy"),
                    box_convert(lucid.tensor(tb), "cxcywh", "xyxy")).numpy()
                cost = (self.cost_bbox * l1 - self.cost_class * prob[i][:, labels]
                        - self.cost_giou * giou)
                rows, cols = linear_sum_assignment(cost)
                out.append((rows.astype(np.int64), cols.astype(np.int64)))
        return out
