"""YOLOv2 and YOLOv2-tiny (Redmon & Farhadi, "YOLO9000: Better, Faster, Stronger",
CVPR 2017; the tiny network is darknet's ``yolov2-tiny-voc.cfg``).

YOLOv2: the Darknet-19 backbone (``dark_conv`` = conv-BN-LeakyReLU(0.1), 2x2 max-pools):
``32 | M | 64 | M | 128, 64/1, 128 | M | 256, 128/1, 256 | M | 512, 256/1, 512, 256/1, 512``
(the stride-16 ``passthrough`` feature) ``| M | 1024, 512/1, 1024, 512/1, 1024``; then two
3x3 1024 convolutions; the passthrough goes through a 1x1 64 convolution and a 2x2
space-to-depth (``pixel_unshuffle``, 256 channels) and is concatenated (1280 channels), then
a 3x3 1024 convolution and a 1x1 output convolution (with bias) to ``5 (5 + C)`` channels
at stride 32 (13 x 13 at 416). Anchors (VOC, in 32-pixel cells): (1.3221, 1.73145)
(3.19275, 4.00944) (5.05587, 8.09892) (9.47112, 4.84053) (11.2364, 10.0071).
Loss: MSE box terms, MSE objectness (negatives weighted ``noobj_weight = 1`` with ignore
threshold 0.6, darknet's ``region`` layer), softmax class cross-entropy.

YOLOv2-tiny: 3x3 convolutions 16, 32, 64, 128, 256, 512 each followed by a 2x2 max-pool
(the last with stride 1 and a zero pad right/bottom), then 3x3 1024, 3x3 1024 and the 1x1
output; same anchors and loss.

Parameters (20 classes): YOLOv2 50,655,389, YOLOv2-tiny 15,861,773.

The original Lucid's ``yolo_v2`` documents 21,287,133 parameters, a different network; this
one follows the paper and darknet's ``yolo-voc`` layer list. Default 20 classes (VOC).
"""

from __future__ import annotations

import lucid
import lucid.nn.functional as F
from lucid import nn
from lucid.models.registry import register_model
from lucid.models.yolo.anchor_detector import AnchorYOLO
from lucid.models.yolo.darknet_conv import dark_conv
from lucid.weights.api import load_weights_into

__all__ = ["YOLO_V2", "yolo_v2", "yolo_v2_tiny", "VOC_ANCHORS_V2"]

VOC_ANCHORS_V2 = tuple((32 * w, 32 * h) for w, h in (
    (1.3221, 1.73145), (3.19275, 4.00944), (5.05587, 8.09892), (9.47112, 4.84053),
    (11.2364, 10.0071)))


def _layers(spec, in_channels: int) -> tuple[list, int]:
    """Sequential layers from a list of ``"M"`` (2x2/2 max-pool), ``c`` (3x3) or ``(c, 1)``."""
    layers, width = [], in_channels
    for item in spec:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
            continue
        c, k = item if isinstance(item, tuple) else (item, 3)
        layers.append(dark_conv(width, c, k))
        width = c
    return layers, width


_D19_16 = [32, "M", 64, "M", 128, (64, 1), 128, "M", 256, (128, 1), 256, "M",
           512, (256, 1), 512, (256, 1), 512]
_D19_32 = ["M", 1024, (512, 1), 1024, (512, 1), 1024]


class YOLO_V2(AnchorYOLO):  # noqa: N801 (the original Lucid's name)
    """YOLOv2 (``tiny=False``) or YOLOv2-tiny; ``forward`` returns ``[raw]``, the single
    stride-32 map ``(N, 5 (5 + C), H / 32, W / 32)``."""

    def __init__(self, num_classes: int = 20, tiny: bool = False, anchors=None,
                 in_channels: int = 3, noobj_weight: float = 1.0,
                 ignore_thresh: float = 0.6) -> None:
        super().__init__(num_classes, [anchors or VOC_ANCHORS_V2], box="mse",
                         objectness="mse", classes="softmax", ignore_thresh=ignore_thresh,
                         noobj_weight=noobj_weight)
        self.tiny = tiny
        out = self.head_channels(0)
        if tiny:
            spec = [16, "M", 32, "M", 64, "M", 128, "M", 256, "M", 512]
            layers, _ = _layers(spec, in_channels)
            layers += [nn.ZeroPad2d((0, 1, 0, 1)), nn.MaxPool2d(2, 1),
                       dark_conv(512, 1024), dark_conv(1024, 1024)]
            self.features = nn.Sequential(*layers)
            self.head = nn.Conv2d(1024, out, 1)
        else:
            self.features_16 = nn.Sequential(*_layers(_D19_16, in_channels)[0])
            self.features_32 = nn.Sequential(*_layers(_D19_32, 512)[0],
                                             dark_conv(1024, 1024), dark_conv(1024, 1024))
            self.passthrough = dark_conv(512, 64, 1)
            self.head = nn.Sequential(dark_conv(1024 + 256, 1024), nn.Conv2d(1024, out, 1))

    def forward(self, x):
        if self.tiny:
            return [self.head(self.features(x))]
        c16 = self.features_16(x)
        c32 = self.features_32(c16)
        route = F.pixel_unshuffle(self.passthrough(c16), 2)
        return [self.head(lucid.concatenate([route, c32], axis=1))]


def _build(num_classes, weights, kwargs, **defaults) -> YOLO_V2:
    model = YOLO_V2(num_classes=num_classes, **{**defaults, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def yolo_v2(num_classes: int = 20, weights=None, **kwargs) -> YOLO_V2:
    """YOLOv2 (Darknet-19 + passthrough): 50,655,389 parameters at 20 classes."""
    return _build(num_classes, weights, kwargs)


@register_model
def yolo_v2_tiny(num_classes: int = 20, weights=None, **kwargs) -> YOLO_V2:
    """YOLOv2-tiny: 15,861,773 parameters at 20 classes."""
    return _build(num_classes, weights, kwargs, tiny=True)
