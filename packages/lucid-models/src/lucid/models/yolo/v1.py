"""YOLOv1 and YOLOv1-tiny (Redmon et al., "You Only Look Once: Unified, Real-Time Object
Detection", CVPR 2016).

The image (448 x 448) is divided into an ``S x S`` grid (``S = 7``); each cell predicts ``B``
boxes ``(x, y, w, h, confidence)`` and ``C`` class probabilities: the output is
``(N, S, S, 5 B + C)`` (``7 x 7 x 30`` for VOC). ``x, y`` are the box centre's offset in its
cell, ``w, h`` relative to the image, ``confidence = Pr(object) IoU``.

Network (24 convolutions, ``dark_conv`` = conv-BN-LeakyReLU(0.1), 2x2 max-pools ``M``):
``7x7/2 64 | M | 192 | M | 128/1, 256, 256/1, 512 | M | (256/1, 512) x4, 512/1, 1024 | M |
(512/1, 1024) x2, 1024, 1024/2 | 1024, 1024``, then ``Linear(7 7 1024, 4096)``,
LeakyReLU(0.1), dropout 0.5, ``Linear(4096, S S (5 B + C))``. Tiny: nine 3x3 convolutions
16..1024 with six max-pools, the same head.

Loss (sum over the batch / N): with ``1_ij`` marking the predictor ``j`` of the cell holding
an object's centre that has the highest IoU with it::

    l_coord sum 1_ij [(x - x*)^2 + (y - y*)^2 + (sqrt w - sqrt w*)^2 + (sqrt h - sqrt h*)^2]
    + sum 1_ij (C - IoU)^2 + l_noobj sum (1 - 1_ij) C^2 + sum_cells 1_i sum_c (p(c) - p*(c))^2

with ``l_coord = 5``, ``l_noobj = 0.5``. Inference: ``score_c = C p(c)`` per box, score
threshold, per-class NMS.

Parameters (20 classes): YOLOv1 271,716,734 (the original Lucid's figure; the head's first
linear layer alone has 205.5M), YOLOv1-tiny 236,720,462 (this
implementation).

Departures: batch norm after every convolution (the paper predates batch norm; the original
Lucid uses it too); the square roots use ``sqrt(|w| + eps)`` of
the raw (linear) outputs so negative predictions keep finite gradients; an adaptive
average pool to ``S x S`` before the head (the identity at 448 x 448) lets smaller images
run.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models.registry import register_model
from lucid.models.yolo.darknet_conv import dark_conv, leaky
from lucid.models.yolo.postprocess import to_detections
from lucid.models.yolo.targets import read_targets
from lucid.weights.api import load_weights_into

__all__ = ["YOLO_V1", "yolo_v1", "yolo_v1_tiny"]

_FULL = [(64, 7, 2), "M", (192, 3, 1), "M", (128, 1, 1), (256, 3, 1), (256, 1, 1),
         (512, 3, 1), "M", *[(256, 1, 1), (512, 3, 1)] * 4, (512, 1, 1), (1024, 3, 1), "M",
         *[(512, 1, 1), (1024, 3, 1)] * 2, (1024, 3, 1), (1024, 3, 2), (1024, 3, 1),
         (1024, 3, 1)]
_TINY = [(16, 3, 1), "M", (32, 3, 1), "M", (64, 3, 1), "M", (128, 3, 1), "M", (256, 3, 1),
         "M", (512, 3, 1), "M", (1024, 3, 1), (1024, 3, 1), (1024, 3, 1)]


class YOLO_V1(nn.Module):  # noqa: N801 (the original Lucid's name)
    """YOLOv1; ``forward`` returns ``(N, S, S, 5 B + C)``; see the module docstring.

    Args: num_classes (20), split_size ``S`` (7), num_boxes ``B`` (2), lambda_coord (5),
    lambda_noobj (0.5), tiny (False), in_channels (3).
    """

    def __init__(self, num_classes: int = 20, split_size: int = 7, num_boxes: int = 2,
                 lambda_coord: float = 5.0, lambda_noobj: float = 0.5, tiny: bool = False,
                 in_channels: int = 3) -> None:
        super().__init__()
        self.num_classes, self.S, self.B = num_classes, split_size, num_boxes
        self.lambda_coord, self.lambda_noobj = lambda_coord, lambda_noobj
        layers, width = [], in_channels
        for item in _TINY if tiny else _FULL:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers.append(dark_conv(width, item[0], item[1], item[2]))
                width = item[0]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(split_size)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(1024 * split_size ** 2, 4096),
                                  leaky(), nn.Dropout(0.5),
                                  nn.Linear(4096, split_size ** 2 * (5 * num_boxes
                                                                     + num_classes)))

    def forward(self, x):
        out = self.head(self.pool(self.features(x)))
        return out.reshape(x.shape[0], self.S, self.S, 5 * self.B + self.num_classes)

    def _boxes(self, pred, image_hw):
        """Raw ``(N, S, S, ...)`` -> per predictor ``(N, S, S, B, 4)`` xyxy pixels (host)."""
        s = self.S
        p = np.asarray(pred, np.float64)[..., :5 * self.B].reshape(*pred.shape[:3], self.B, 5)
        gy, gx = np.meshgrid(np.arange(s), np.arange(s), indexing="ij")
        cx = (p[..., 0] + gx[..., None]) / s * image_hw[1]
        cy = (p[..., 1] + gy[..., None]) / s * image_hw[0]
        w, h = np.abs(p[..., 2]) * image_hw[1], np.abs(p[..., 3]) * image_hw[0]
        return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)

    def loss(self, images, targets) -> dict:
        """``{"loss_box", "loss_obj", "loss_noobj", "loss_cls", "loss"}`` of a batch;
        ``targets``: per image ``{"boxes": (K, 4) xyxy pixels, "labels": (K,)}``."""
        pred = self(images)
        n, s, b, c = pred.shape[0], self.S, self.B, self.num_classes
        hw = tuple(images.shape[2:])
        parsed = read_targets("YOLO_V1.loss", targets, n, c)
        boxes = self._boxes(pred.detach().numpy(), hw)
        resp = np.zeros((n, s, s, b), np.float32)      # 1_ij
        cell = np.zeros((n, s, s), np.float32)         # 1_i
        tbox = np.zeros((n, s, s, b, 4), np.float32)   # x, y, sqrt w, sqrt h
        tconf = np.zeros((n, s, s, b), np.float32)
        tcls = np.zeros((n, s, s, c), np.float32)
        for k, (gt, labels) in enumerate(parsed):
            for box, label in zip(gt, labels):
                cx = (box[0] + box[2]) / 2 / hw[1] * s
                cy = (box[1] + box[3]) / 2 / hw[0] * s
                i, j = min(int(cx), s - 1), min(int(cy), s - 1)
                if cell[k, j, i]:  # one object per cell, as in the paper
                    continue
                ious = _iou_rows(boxes[k, j, i], box)
                best = int(ious.argmax())
                cell[k, j, i] = 1
                resp[k, j, i, best] = 1
                tconf[k, j, i, best] = ious[best]
                tbox[k, j, i, best] = (cx - i, cy - j, np.sqrt((box[2] - box[0]) / hw[1]),
                                       np.sqrt((box[3] - box[1]) / hw[0]))
                tcls[k, j, i, label] = 1
        dev = pred.device
        resp_t, cell_t = lucid.tensor(resp, device=dev), lucid.tensor(cell, device=dev)
        p = pred[..., :5 * b].reshape(n, s, s, b, 5)
        xy = ((p[..., 0:2] - lucid.tensor(tbox[..., 0:2], device=dev)) ** 2).sum(axis=-1)
        root = (p[..., 2:4].abs() + 1e-9).sqrt()
        wh = ((root - lucid.tensor(tbox[..., 2:4], device=dev)) ** 2).sum(axis=-1)
        conf = p[..., 4]
        losses = {
            "loss_box": self.lambda_coord * ((xy + wh) * resp_t).sum() / n,
            "loss_obj": (((conf - lucid.tensor(tconf, device=dev)) ** 2) * resp_t).sum() / n,
            "loss_noobj": self.lambda_noobj * (conf ** 2 * (1 - resp_t)).sum() / n,
            "loss_cls": (((pred[..., 5 * b:] - lucid.tensor(tcls, device=dev)) ** 2).sum(
                axis=-1) * cell_t).sum() / n,
        }
        losses["loss"] = sum(losses.values())
        return losses

    def predict(self, images, score_thresh: float = 0.2, nms_thresh: float = 0.5,
                max_detections: int = 100) -> list[dict]:
        """Eval-mode detections per image: ``{"boxes", "scores", "labels"}``."""
        was_training = self.training
        self.eval()
        try:
            with lucid.no_grad():
                pred = self(images).numpy().astype(np.float64)
        finally:
            self.train(was_training)
        hw = tuple(images.shape[2:])
        n, b = pred.shape[0], self.B
        boxes = self._boxes(pred, hw).reshape(n, -1, 4)
        conf = pred[..., 4:5 * b:5]  # (N, S, S, B)
        scores = conf[..., None] * pred[..., None, 5 * b:]  # (N, S, S, B, C)
        return to_detections(boxes, scores.reshape(n, -1, self.num_classes), score_thresh,
                             nms_thresh, max_detections, hw)


def _iou_rows(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    iw = np.clip(np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0]), 0, None)
    ih = np.clip(np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1]), 0, None)
    inter = iw * ih
    union = (boxes[:, 2:] - boxes[:, :2]).prod(-1) + (box[2:] - box[:2]).prod() - inter
    return inter / np.maximum(union, 1e-9)


def _build(num_classes, weights, kwargs, **defaults) -> YOLO_V1:
    model = YOLO_V1(num_classes=num_classes, **{**defaults, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def yolo_v1(num_classes: int = 20, weights=None, **kwargs) -> YOLO_V1:
    """YOLOv1 (24 convolutions + 2 linear layers, 7x7x30 output for VOC)."""
    return _build(num_classes, weights, kwargs)


@register_model
def yolo_v1_tiny(num_classes: int = 20, weights=None, **kwargs) -> YOLO_V1:
    """YOLOv1-tiny (9 convolutions + the same head)."""
    return _build(num_classes, weights, kwargs, tiny=True)
