"""YOLOv4 (Bochkovskiy, Wang & Liao, "YOLOv4: Optimal Speed and Accuracy of Object
Detection", arXiv:2004.10934, 2020).

Backbone: CSPDarknet-53 (:func:`lucid.models.csp_darknet_53`'s stem and five cross-stage
partial stages, depths 1, 2, 8, 8, 4, widths 64..1024) with Mish activations, as in the
paper; its stride-8/16/32 outputs (256, 512, 1024 channels) feed the neck.

Neck (``dark_conv`` = conv-BN-LeakyReLU(0.1)): SPP on the stride-32 feature
(1x1 512, 3x3 1024, 1x1 512; concatenation of max-pools 5/9/13 (stride 1) with the input,
2048 channels; 1x1 512, 3x3 1024, 1x1 512), then PANet: top-down (1x1 route, x2 nearest
up-sampling, concatenation with a 1x1-reduced backbone feature, five alternating 1x1/3x3
convolutions) to stride 16 (256) and 8 (128), and bottom-up (3x3/2 down-sampling,
concatenation, five convolutions) back to 16 (256) and 32 (512). Heads: ``conv3x3_{2c}``
and a 1x1 output convolution (with bias) to ``3 (5 + C)`` channels at strides 32, 16, 8.
Anchors (COCO, 608): (12,16) (19,36) (40,28) | (36,75) (76,55) (72,146) |
(142,110) (192,243) (459,401). Loss: CIoU box loss, binary cross-entropy objectness and
per-class scores, ignore threshold 0.7 (see ``anchor_loss``).

Parameters (80 classes): 64,363,101 (darknet's ``yolov4.cfg``).

Departure: the backbone is timm's CSPDarknet-53 layout (one 1x1 expansion split in two
halves per stage rather than darknet's two parallel 1x1 projections); the parameter count
is the same.
"""

from __future__ import annotations

import lucid
import lucid.nn.functional as F
from lucid import nn
from lucid.models.cspnet import csp_darknet_53
from lucid.models.registry import register_model
from lucid.models.yolo.anchor_detector import AnchorYOLO
from lucid.models.yolo.darknet_conv import dark_conv
from lucid.models.yolo.v3 import conv_set, head, upsample2x
from lucid.weights.api import load_weights_into

__all__ = ["YOLO_V4", "yolo_v4"]

V4_ANCHORS = (((142, 110), (192, 243), (459, 401)), ((36, 75), (76, 55), (72, 146)),
              ((12, 16), (19, 36), (40, 28)))


class SPP(nn.Module):
    """``concat(maxpool13(x), maxpool9(x), maxpool5(x), x)`` (stride 1, same size)."""

    def forward(self, x):
        pools = [F.max_pool2d(x, k, stride=1, padding=k // 2) for k in (13, 9, 5)]
        return lucid.concatenate([*pools, x], axis=1)


class CSPDarknetFeatures(nn.Module):
    """CSPDarknet-53 with Mish, returning the stride-8, 16, 32 features."""

    def __init__(self, in_channels: int = 3) -> None:
        super().__init__()
        net = csp_darknet_53(in_channels=in_channels)
        for m in net.modules():
            if isinstance(m, nn.ConvBNReLU2d):
                m.relu = nn.Mish()
        self.stem, self.stages = net.stem, net.stages

    def forward(self, x):
        x = self.stem(x)
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        return feats[2], feats[3], feats[4]


class YOLO_V4(AnchorYOLO):  # noqa: N801 (the original Lucid's name)
    """YOLOv4; ``forward`` returns the raw maps at strides 32, 16, 8."""

    def __init__(self, num_classes: int = 80, anchors=None, in_channels: int = 3,
                 ignore_thresh: float = 0.7) -> None:
        anchors = anchors or V4_ANCHORS
        super().__init__(num_classes, anchors, box="ciou", objectness="bce",
                         classes="sigmoid", ignore_thresh=ignore_thresh)
        out = [self.head_channels(i) for i in range(3)]
        self.backbone = CSPDarknetFeatures(in_channels)
        self.spp = nn.Sequential(dark_conv(1024, 512, 1), dark_conv(512, 1024),
                                 dark_conv(1024, 512, 1), SPP(), dark_conv(2048, 512, 1),
                                 dark_conv(512, 1024), dark_conv(1024, 512, 1))
        self.route_32 = dark_conv(512, 256, 1)
        self.lateral_16 = dark_conv(512, 256, 1)
        self.td_16 = conv_set(512, 256)
        self.route_16 = dark_conv(256, 128, 1)
        self.lateral_8 = dark_conv(256, 128, 1)
        self.td_8 = conv_set(256, 128)
        self.down_8 = dark_conv(128, 256, 3, 2)
        self.bu_16 = conv_set(512, 256)
        self.down_16 = dark_conv(256, 512, 3, 2)
        self.bu_32 = conv_set(1024, 512)
        self.head_8 = head(128, 256, out[2])
        self.head_16 = head(256, 512, out[1])
        self.head_32 = head(512, 1024, out[0])

    def forward(self, x):
        up = upsample2x
        cat = lambda *ts: lucid.concatenate(list(ts), axis=1)  # noqa: E731
        c8, c16, c32 = self.backbone(x)
        p32 = self.spp(c32)
        p16 = self.td_16(cat(self.lateral_16(c16), up(self.route_32(p32))))
        p8 = self.td_8(cat(self.lateral_8(c8), up(self.route_16(p16))))
        n16 = self.bu_16(cat(self.down_8(p8), p16))
        n32 = self.bu_32(cat(self.down_16(n16), p32))
        return [self.head_32(n32), self.head_16(n16), self.head_8(p8)]


@register_model
def yolo_v4(num_classes: int = 80, weights=None, **kwargs) -> YOLO_V4:
    """YOLOv4 (CSPDarknet-53 + SPP + PANet): 64,363,101 parameters at 80 classes."""
    model = YOLO_V4(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
