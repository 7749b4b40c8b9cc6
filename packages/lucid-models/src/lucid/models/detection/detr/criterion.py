"""DETR's set prediction loss (Carion et al., ECCV 2020).

After Hungarian matching, with ``B`` the number of ground-truth boxes in the batch:
``L = w_ce CE(logits, classes; no-object class weighted eos_coef)
+ w_L1 sum_matched ||b - b*||_1 / B + w_giou sum_matched (1 - GIoU(b, b*)) / B``;
unmatched queries are trained to the no-object class. The same loss is applied to the output
of every decoder layer (auxiliary losses, keys suffixed ``_0``, ``_1``, ...). The returned
terms are already weighted: their sum is the training loss.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.models.detection.detr.matcher import HungarianMatcher
from lucid.models.detection.ops import box_convert, generalized_box_iou
from lucid.nn import functional as F

__all__ = ["SetCriterion"]


class SetCriterion:
    def __init__(self, num_classes: int, matcher: HungarianMatcher | None = None,
                 eos_coef: float = 0.1, weight_ce: float = 1.0, weight_bbox: float = 5.0,
                 weight_giou: float = 2.0) -> None:
        self.num_classes = num_classes
        self.matcher = matcher or HungarianMatcher(weight_ce, weight_bbox, weight_giou)
        self.empty_weight = np.ones(num_classes + 1, np.float32)
        self.empty_weight[-1] = eos_coef
        self.weights = (weight_ce, weight_bbox, weight_giou)

    def single(self, logits, boxes, targets, num_boxes: float) -> dict:
        n, q, _ = logits.shape
        match = self.matcher(logits, boxes, targets)
        classes = np.full((n, q), self.num_classes, np.int64)
        rows, tboxes = [], []
        for i, ((src, tgt), t) in enumerate(zip(match, targets)):
            classes[i, src] = t["labels"].numpy()[tgt]
            rows.append(i * q + src)
            tboxes.append(t["boxes"].numpy()[tgt])
        weight = lucid.tensor(self.empty_weight, dtype=logits.dtype)
        ce = F.cross_entropy(logits.reshape(n * q, -1), lucid.tensor(classes.reshape(-1)),
                             weight=weight)
        rows = np.concatenate(rows)
        if rows.size:
            src = lucid.index_select(boxes.reshape(n * q, 4), 0, lucid.tensor(rows))
            tgt = lucid.tensor(np.concatenate(tboxes).astype(np.float32), dtype=boxes.dtype)
            l1 = (src - tgt).abs().sum() / num_boxes
            giou = generalized_box_iou(box_convert(src, "cxcywh", "xyxy"),
                                       box_convert(tgt, "cxcywh", "xyxy"))
            eye = lucid.tensor(np.eye(rows.size, dtype=np.float32), dtype=boxes.dtype)
            lg = (1.0 - (giou * eye).sum(1)).sum() / num_boxes
        else:
            l1 = lg = (boxes * 0.0).sum()
        wc, wb, wg = self.weights
        return {"loss_ce": wc * ce, "loss_bbox": wb * l1, "loss_giou": wg * lg}

    def __call__(self, outputs, targets) -> dict:
        """``outputs``: ``pred_logits (L, N, Q, C+1)`` and ``pred_boxes (L, N, Q, 4)`` of all
        decoder layers, last = final; ``targets``: dicts with normalised cxcywh ``boxes``."""
        num_boxes = max(float(sum(t["labels"].shape[0] for t in targets)), 1.0)
        layers = outputs["pred_logits"].shape[0]
        losses = self.single(outputs["pred_logits"][-1], outputs["pred_boxes"][-1], targets,
                             num_boxes)
        for k in range(layers - 1):
            aux = self.single(outputs["pred_logits"][k], outputs["pred_boxes"][k], targets,
                              num_boxes)
            losses.update({f"{key}_{k}": v for key, v in aux.items()})
        return losses
