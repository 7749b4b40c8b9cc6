"""YOLOv3 and YOLOv3-tiny (Redmon & Farhadi, "YOLOv3: An Incremental Improvement",
arXiv:1804.02767, 2018; the tiny network is darknet's ``yolov3-tiny.cfg``).

YOLOv3: the Darknet-53 backbone (``dark_conv`` = conv-BN-LeakyReLU(0.1)): a 3x3 32 stem and
five stages, each a 3x3/2 down-sampling to ``c`` channels followed by ``n`` residual units
``x + conv3x3_c(conv1x1_{c/2}(x))``, ``(c, n)`` = (64, 1), (128, 2), (256, 8), (512, 8),
(1024, 4). Three heads at strides 32, 16, 8: five alternating 1x1/3x3 convolutions
(``c/2, c, c/2, c, c/2``), then ``conv3x3_c`` and a 1x1 output convolution (with bias) to
``3 (5 + C)`` channels; the 1x1/2 route of one scale is up-sampled (nearest, x2) and
concatenated with the backbone feature of the next. Anchors (COCO, pixels at 416):
(10,13) (16,30) (33,23) | (30,61) (62,45) (59,119) | (116,90) (156,198) (373,326), the
largest three on the stride-32 head. Loss: MSE box terms, binary cross-entropy objectness
and per-class (sigmoid) scores, ignore threshold 0.5 (see ``anchor_loss``).

YOLOv3-tiny: seven 3x3 convolutions 16..1024 with 2x2 max-pools (stride 2 five times, the
sixth stride 1 with a zero pad right/bottom), a 1x1 256 route, heads at stride 32
(``conv3x3_512``) and 16 (1x1 128, up-sample, concatenate with the 256-channel stride-16
feature, ``conv3x3_256``). Anchors (10,14) (23,27) (37,58) | (81,82) (135,169) (344,319).

Parameters (80 classes): YOLOv3 61,949,149 and YOLOv3-tiny 8,852,366 (darknet's cfgs).

Departure from darknet: ``yolov3-tiny.cfg`` gives the stride-16 head the anchor mask 1,2,3
(sharing anchor 3 with the other head); here the tiny anchors are split 0-2 / 3-5 so every
anchor belongs to exactly one head. Default 80 classes (COCO), as the paper.
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.registry import register_model
from lucid.models.yolo.anchor_detector import AnchorYOLO
from lucid.models.yolo.darknet_conv import dark_conv
from lucid.weights.api import load_weights_into

__all__ = ["YOLO_V3", "Darknet53", "yolo_v3", "yolo_v3_tiny", "COCO_ANCHORS"]

# per head, stride 32 first
COCO_ANCHORS = (((116, 90), (156, 198), (373, 326)), ((30, 61), (62, 45), (59, 119)),
                ((10, 13), (16, 30), (33, 23)))
TINY_ANCHORS = (((81, 82), (135, 169), (344, 319)), ((10, 14), (23, 27), (37, 58)))


class DarkResidual(nn.Module):
    """``x + conv3x3_c(conv1x1_{c/2}(x))``."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = dark_conv(channels, channels // 2, 1)
        self.conv2 = dark_conv(channels // 2, channels, 3)

    def forward(self, x):
        return x + self.conv2(self.conv1(x))


class Darknet53(nn.Module):
    """Darknet-53 without its classifier; ``forward`` returns the stride-8, 16 and 32
    features (256, 512, 1024 channels)."""

    def __init__(self, in_channels: int = 3) -> None:
        super().__init__()
        self.stem = dark_conv(in_channels, 32, 3)
        stages, width = [], 32
        for c, n in ((64, 1), (128, 2), (256, 8), (512, 8), (1024, 4)):
            stages.append(nn.Sequential(dark_conv(width, c, 3, 2),
                                        *[DarkResidual(c) for _ in range(n)]))
            width = c
        self.stages = nn.ModuleList(stages)

    def forward(self, x):
        x = self.stem(x)
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        return feats[2], feats[3], feats[4]


def upsample2x(x):
    """Nearest-neighbour x2 up-sampling, ``y[..., 2i + a, 2j + b] = x[..., i, j]``, as a
    broadcast (shape-only, so it also runs on the meta device)."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h, 1, w, 1).expand(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w)


def conv_set(in_channels: int, channels: int) -> nn.Sequential:
    """Five alternating convolutions 1x1 ``c``, 3x3 ``2c``, 1x1 ``c``, 3x3 ``2c``, 1x1 ``c``."""
    return nn.Sequential(dark_conv(in_channels, channels, 1), dark_conv(channels, 2 * channels),
                         dark_conv(2 * channels, channels, 1),
                         dark_conv(channels, 2 * channels), dark_conv(2 * channels, channels, 1))


def head(in_channels: int, mid: int, out: int) -> nn.Sequential:
    """``conv1x1_out(conv3x3_mid(x))``, the output convolution with a bias and no norm."""
    return nn.Sequential(dark_conv(in_channels, mid, 3), nn.Conv2d(mid, out, 1))


class YOLO_V3(AnchorYOLO):  # noqa: N801 (the original Lucid's name)
    """YOLOv3 (``tiny=False``) or YOLOv3-tiny; see the module docstring. ``forward``
    returns the raw maps at strides 32, 16 (and 8)."""

    def __init__(self, num_classes: int = 80, tiny: bool = False, anchors=None,
                 in_channels: int = 3, ignore_thresh: float = 0.5) -> None:
        anchors = anchors or (TINY_ANCHORS if tiny else COCO_ANCHORS)
        super().__init__(num_classes, anchors, box="mse", objectness="bce",
                         classes="sigmoid", ignore_thresh=ignore_thresh)
        self.tiny = tiny
        out = [self.head_channels(i) for i in range(len(anchors))]
        if tiny:
            layers, width = [], in_channels
            for i, c in enumerate((16, 32, 64, 128, 256, 512)):
                layers.append(dark_conv(width, c, 3))
                if i == 4:
                    self.backbone_16 = nn.Sequential(*layers)
                    layers = []
                if i < 5:
                    layers.append(nn.MaxPool2d(2, 2))
                else:
                    layers += [nn.ZeroPad2d((0, 1, 0, 1)), nn.MaxPool2d(2, 1)]
                width = c
            layers += [dark_conv(512, 1024, 3), dark_conv(1024, 256, 1)]
            self.backbone_32 = nn.Sequential(*layers)
            self.head_32 = head(256, 512, out[0])
            self.route_32 = dark_conv(256, 128, 1)
            self.head_16 = head(384, 256, out[1])
        else:
            self.backbone = Darknet53(in_channels)
            self.set_32 = conv_set(1024, 512)
            self.head_32 = head(512, 1024, out[0])
            self.route_32 = dark_conv(512, 256, 1)
            self.set_16 = conv_set(768, 256)
            self.head_16 = head(256, 512, out[1])
            self.route_16 = dark_conv(256, 128, 1)
            self.set_8 = conv_set(384, 128)
            self.head_8 = head(128, 256, out[2])

    def forward(self, x):
        up = upsample2x
        if self.tiny:
            c16 = self.backbone_16(x)
            p32 = self.backbone_32(c16)
            p16 = lucid.concatenate([up(self.route_32(p32)), c16], axis=1)
            return [self.head_32(p32), self.head_16(p16)]
        c8, c16, c32 = self.backbone(x)
        p32 = self.set_32(c32)
        p16 = self.set_16(lucid.concatenate([up(self.route_32(p32)), c16], axis=1))
        p8 = self.set_8(lucid.concatenate([up(self.route_16(p16)), c8], axis=1))
        return [self.head_32(p32), self.head_16(p16), self.head_8(p8)]


def _build(num_classes, weights, kwargs, **defaults) -> YOLO_V3:
    model = YOLO_V3(num_classes=num_classes, **{**defaults, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def yolo_v3(num_classes: int = 80, weights=None, **kwargs) -> YOLO_V3:
    """YOLOv3 (Darknet-53, three heads): 61,949,149 parameters at 80 classes."""
    return _build(num_classes, weights, kwargs)


@register_model
def yolo_v3_tiny(num_classes: int = 80, weights=None, **kwargs) -> YOLO_V3:
    """YOLOv3-tiny (two heads): 8,852,366 parameters at 80 classes."""
    return _build(num_classes, weights, kwargs, tiny=True)
