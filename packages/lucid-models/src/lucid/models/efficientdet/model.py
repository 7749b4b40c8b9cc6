"""EfficientDet D0-D7 (Tan, Pang & Le, "EfficientDet: Scalable and Efficient Object
Detection", CVPR 2020): an EfficientNet backbone (``lucid.models.efficientnet_b*``,
features of stages 3, 5, 7 = strides 8, 16, 32), a stack of BiFPN layers on P3..P7
(``bifpn.py``) and shared class/box heads (``heads.py``).

Compound scaling (paper Table 1; D7 uses D6's network at 1536 px):

====  ========  ===========  ==========  ==========  ======  ==========
 D    backbone  BiFPN width  BiFPN reps  head depth  input   parameters
====  ========  ===========  ==========  ==========  ======  ==========
 0    B0        64           3           3           512     3.9M
 1    B1        88           4           3           640     6.6M
 2    B2        112          5           3           768     8.1M
 3    B3        160          6           4           896     12M
 4    B4        224          7           4           1024    21M
 5    B5        288          7           4           1280    34M
 6    B6        384          8           5           1280    52M
 7    B6        384          8           5           1536    52M
====  ========  ===========  ==========  ==========  ======  ==========

(parameters: the paper's Table 2, 90 COCO classes.)

Anchors: at level ``l`` (stride ``s = 2^l``) and every cell centre ``((x + 1/2) s,
(y + 1/2) s)``, sizes ``4 s 2^{k/3}`` (``k = 0, 1, 2``) and aspect ratios 1:2, 1:1, 2:1,
``A = 9``. Box targets (Faster R-CNN's coder): ``(dx, dy, dw, dh) = ((x* - x_a) / w_a,
(y* - y_a) / h_a, log(w* / w_a), log(h* / h_a))`` of centre/size. Matching: an anchor is
positive for the ground truth of highest IoU when that IoU ``>= 0.5``, negative below 0.4,
ignored between. Loss, normalised by the number of positives: focal loss (``alpha 0.25``,
``gamma 1.5``) over all non-ignored anchors and classes, plus ``50 x`` Huber (``delta 0.1``)
on the positives' box offsets. Inference: ``sigmoid`` class scores, decoded boxes, score
threshold, per-class NMS (0.5), torchvision's output format.

Default 90 classes (the official COCO label space). Inputs of any size divisible by 128 are
accepted (``image_size`` records the paper's resolution). Not compared parameter by
parameter with the original Lucid's implementation.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models import efficientnet as effnet
from lucid.models.detection.ops.anchors import cell_anchors
from lucid.models.detection.ops.boxes import box_iou
from lucid.models.efficientdet.bifpn import BiFPNLayer
from lucid.models.efficientdet.focal_loss import sigmoid_focal_loss
from lucid.models.efficientdet.heads import EfficientDetHead
from lucid.models.registry import register_model
from lucid.models.yolo.postprocess import to_detections
from lucid.models.yolo.targets import read_targets
from lucid.weights.api import load_weights_into

__all__ = ["EfficientDet"] + [f"efficientdet_d{i}" for i in range(8)]

# backbone, BiFPN width, BiFPN repeats, head depth, image size
_CONFIGS = ((0, 64, 3, 3, 512), (1, 88, 4, 3, 640), (2, 112, 5, 3, 768),
            (3, 160, 6, 4, 896), (4, 224, 7, 4, 1024), (5, 288, 7, 4, 1280),
            (6, 384, 8, 5, 1280), (6, 384, 8, 5, 1536))
_RATIOS = (0.5, 1.0, 2.0)


class EfficientDet(nn.Module):
    """EfficientDet on an EfficientNet-B``backbone`` (see the module docstring).
    ``forward(images)`` returns ``(class logits (N, M, C), box offsets (N, M, 4))`` over
    the ``M`` anchors of P3..P7."""

    def __init__(self, backbone: int, width: int, repeats: int, head_depth: int,
                 num_classes: int = 90, image_size: int = 512) -> None:
        super().__init__()
        self.num_classes, self.image_size = num_classes, image_size
        net = getattr(effnet, f"efficientnet_b{backbone}")()
        self.backbone = nn.ModuleList(list(net.features)[:8])  # stem + 7 stages, no 1x1 head
        chans = [self._width(net.features[i]) for i in (3, 5, 7)]
        self.bifpn = nn.Sequential(*[BiFPNLayer(width, chans if i == 0 else None)
                                     for i in range(repeats)])
        a = 3 * len(_RATIOS)
        self.class_net = EfficientDetHead(width, head_depth, a, num_classes, prior=0.01)
        self.box_net = EfficientDetHead(width, head_depth, a, 4)

    @staticmethod
    def _width(stage) -> int:
        """Output channels of a backbone stage (its last convolution's)."""
        return [p for n, p in stage.named_parameters() if p.ndim == 4][-1].shape[0]

    def forward(self, x):
        feats = []
        for i, layer in enumerate(self.backbone):
            x = layer(x)
            if i in (3, 5, 7):
                feats.append(x)
        pyramid = self.bifpn(feats)
        return self.class_net(pyramid), self.box_net(pyramid)

    @staticmethod
    def anchors(image_hw) -> np.ndarray:
        """``(M, 4)`` xyxy anchors of P3..P7 in the heads' output order."""
        out = []
        for level in range(3, 8):
            s = 2 ** level
            base = cell_anchors([4 * s * 2 ** (k / 3) for k in range(3)], _RATIOS)
            h, w = -(-image_hw[0] // s), -(-image_hw[1] // s)
            cy, cx = np.meshgrid((np.arange(h) + 0.5) * s, (np.arange(w) + 0.5) * s,
                                 indexing="ij")
            centres = np.stack([cx, cy, cx, cy], -1).reshape(-1, 1, 4)
            out.append((centres + base[None]).reshape(-1, 4))
        return np.concatenate(out).astype(np.float64)

    def loss(self, images, targets) -> dict:
        """``{"loss_cls", "loss_box", "loss"}`` of a batch; ``targets``: per image
        ``{"boxes": (K, 4) xyxy pixels, "labels": (K,)}``."""
        logits, offsets = self(images)
        hw = tuple(images.shape[2:])
        anchors = self.anchors(hw)
        parsed = read_targets("EfficientDet.loss", targets, images.shape[0], self.num_classes)
        n, m = logits.shape[:2]
        cls_t = np.zeros((n, m, self.num_classes), np.float32)
        valid = np.ones((n, m), np.float32)
        pos = np.zeros((n, m), np.float32)
        box_t = np.zeros((n, m, 4), np.float32)
        for k, (gt, labels) in enumerate(parsed):
            if not len(gt):
                continue
            iou = box_iou(lucid.tensor(anchors), lucid.tensor(gt)).numpy()
            best, arg = iou.max(1), iou.argmax(1)
            positive = best >= 0.5
            valid[k] = (best < 0.4) | positive
            pos[k] = positive
            cls_t[k, positive, labels[arg[positive]]] = 1
            box_t[k] = _encode(anchors, gt[arg])
        dev = logits.device
        num_pos = max(1.0, float(pos.sum()))
        focal = sigmoid_focal_loss(logits, lucid.tensor(cls_t, device=dev), alpha=0.25,
                                   gamma=1.5, reduction="none")
        loss_cls = (focal.sum(axis=-1) * lucid.tensor(valid, device=dev)).sum() / num_pos
        diff = (offsets - lucid.tensor(box_t, device=dev)).abs()
        huber = lucid.where(diff < 0.1, 0.5 * diff ** 2, 0.1 * (diff - 0.05))
        loss_box = 50.0 * (huber.sum(axis=-1) * lucid.tensor(pos, device=dev)).sum() / \
            (4 * num_pos)
        return {"loss_cls": loss_cls, "loss_box": loss_box, "loss": loss_cls + loss_box}

    def predict(self, images, score_thresh: float = 0.2, nms_thresh: float = 0.5,
                max_detections: int = 100) -> list[dict]:
        """Eval-mode detections per image: ``{"boxes", "scores", "labels"}``."""
        was_training = self.training
        self.eval()
        try:
            with lucid.no_grad():
                logits, offsets = self(images)
        finally:
            self.train(was_training)
        hw = tuple(images.shape[2:])
        anchors = self.anchors(hw)
        boxes = np.stack([_decode(anchors, o) for o in offsets.numpy().astype(np.float64)])
        scores = 1 / (1 + np.exp(-logits.numpy().astype(np.float64)))
        return to_detections(boxes, scores, score_thresh, nms_thresh, max_detections, hw)


def _encode(anchors: np.ndarray, gt: np.ndarray) -> np.ndarray:
    wa, ha = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    xa, ya = anchors[:, 0] + wa / 2, anchors[:, 1] + ha / 2
    w, h = np.maximum(gt[:, 2] - gt[:, 0], 1e-3), np.maximum(gt[:, 3] - gt[:, 1], 1e-3)
    x, y = gt[:, 0] + w / 2, gt[:, 1] + h / 2
    return np.stack([(x - xa) / wa, (y - ya) / ha, np.log(w / wa), np.log(h / ha)], 1)


def _decode(anchors: np.ndarray, d: np.ndarray) -> np.ndarray:
    wa, ha = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    xa, ya = anchors[:, 0] + wa / 2, anchors[:, 1] + ha / 2
    x, y = d[:, 0] * wa + xa, d[:, 1] * ha + ya
    w, h = np.exp(np.minimum(d[:, 2], 8)) * wa, np.exp(np.minimum(d[:, 3], 8)) * ha
    return np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], 1)


def _build(d: int, num_classes, weights, kwargs) -> EfficientDet:
    backbone, width, repeats, depth, size = _CONFIGS[d]
    options = {"image_size": size, **kwargs}
    model = EfficientDet(backbone, width, repeats, depth, num_classes=num_classes, **options)
    if weights is not None:
        load_weights_into(model, weights)
    return model


def _factory(d: int):
    def factory(num_classes: int = 90, weights=None, **kwargs) -> EfficientDet:
        return _build(d, num_classes, weights, kwargs)
    factory.__name__ = factory.__qualname__ = f"efficientdet_d{d}"
    backbone, width, repeats, depth, size = _CONFIGS[d]
    factory.__doc__ = (f"EfficientDet-D{d}: EfficientNet-B{backbone}, BiFPN {width} x "
                       f"{repeats}, head depth {depth}, {size} px input.")
    return register_model(factory)


efficientdet_d0, efficientdet_d1, efficientdet_d2, efficientdet_d3, efficientdet_d4, \
    efficientdet_d5, efficientdet_d6, efficientdet_d7 = (_factory(d) for d in range(8))
