"""``AnchorYOLO``: what YOLOv2, v3 and v4 share above their networks: anchors per head,
the decoding of raw outputs, the loss and ``predict``.

A subclass builds its network and returns from ``forward(images)`` one raw map
``(N, A (5 + C), H_s, W_s)`` per head (v2: one head; v3/v4: strides 32/16/8, v3-tiny 32/16).
Decoding (per anchor ``(p_w, p_h)`` of head stride ``r``, cell ``(j, i)``)::

    box = ((sigmoid(t_x) + i) r, (sigmoid(t_y) + j) r, p_w e^{t_w}, p_h e^{t_h})  (cx, cy, w, h)
    score_c = sigmoid(t_o) * P(c)      P = softmax (v2) or sigmoid (v3, v4) of t_c

``loss(images, targets)``: :func:`~lucid.models.yolo.anchor_loss.anchor_yolo_loss` with the
version's options; ``predict(images)``: score threshold, per-class NMS, torchvision's list
of dicts (``boxes`` xyxy pixels, ``scores``, ``labels``).
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models.yolo.anchor_loss import anchor_yolo_loss, head_view
from lucid.models.yolo.postprocess import to_detections
from lucid.models.yolo.targets import read_targets

__all__ = ["AnchorYOLO"]


class AnchorYOLO(nn.Module):
    """Base of the anchor-based YOLOs.

    Args:
        num_classes: object classes ``C``.
        anchors: per head (in ``forward``'s output order), a list of ``(w, h)`` pixels.
        loss_options: keywords of :func:`anchor_yolo_loss` (``box``, ``objectness``,
            ``classes``, ``ignore_thresh``, ``noobj_weight``).
    """

    def __init__(self, num_classes: int, anchors, **loss_options) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.anchors = [tuple(map(tuple, a)) for a in anchors]
        self.loss_options = loss_options

    def head_channels(self, head: int) -> int:
        return len(self.anchors[head]) * (5 + self.num_classes)

    def loss(self, images, targets) -> dict:
        """Training losses ``{"loss_box", "loss_obj", "loss_cls", "loss"}`` of a batch;
        ``targets``: per image ``{"boxes": (K, 4) xyxy pixels, "labels": (K,)}``."""
        outputs = self(images)
        hw = tuple(images.shape[2:])
        parsed = read_targets(f"{type(self).__name__}.loss", targets, images.shape[0],
                              self.num_classes)
        return anchor_yolo_loss(outputs, self.anchors, parsed, hw, self.num_classes,
                                **self.loss_options)

    def decode(self, outputs, image_hw):
        """``(boxes (N, M, 4) xyxy, class scores (N, M, C))`` over all heads and anchors."""
        boxes, scores = [], []
        for raw, anchors in zip(outputs, self.anchors):
            view = head_view(raw, len(anchors))
            n, a, h, w, _ = view.shape
            stride = image_hw[0] / h
            gy, gx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
            grid = lucid.tensor(np.stack([gx, gy], -1).astype(np.float32), device=raw.device)
            size = lucid.tensor(np.asarray(anchors, np.float32).reshape(1, a, 1, 1, 2),
                                device=raw.device)
            centre = (view[..., 0:2].sigmoid() + grid) * stride
            wh = size * view[..., 2:4].clamp(max=8.0).exp()
            xyxy = lucid.concatenate([centre - wh / 2, centre + wh / 2], axis=-1)
            if self.loss_options.get("classes", "sigmoid") == "softmax":
                prob = view[..., 5:].softmax(axis=-1)
            else:
                prob = view[..., 5:].sigmoid()
            boxes.append(xyxy.reshape(n, -1, 4))
            scores.append((view[..., 4:5].sigmoid() * prob).reshape(n, -1, self.num_classes))
        return lucid.concatenate(boxes, axis=1), lucid.concatenate(scores, axis=1)

    def predict(self, images, score_thresh: float = 0.25, nms_thresh: float = 0.45,
                max_detections: int = 100) -> list[dict]:
        """Eval-mode detections per image: ``{"boxes", "scores", "labels"}``."""
        was_training = self.training
        self.eval()
        try:
            with lucid.no_grad():
                hw = tuple(images.shape[2:])
                boxes, scores = self.decode(self(images), hw)
        finally:
            self.train(was_training)
        return to_detections(boxes, scores, score_thresh, nms_thresh, max_detections, hw)
