"""EfficientNet B0-B7 (Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional
Neural Networks", ICML 2019) and EfficientNetV2 S/M/L/XL (Tan & Le, "EfficientNetV2:
Smaller Models and Faster Training", ICML 2021), with torchvision's structure, parameter
names and initialisation.

``features``: stem ``ConvNormAct(3, C0, 3, stride 2, SiLU)``; seven (V1) or six/seven (V2)
stages of :class:`~lucid.models.blocks.MBConv` (expand 1x1, depthwise k x k, SE of width
``max(1, C_in / 4)`` with SiLU inside and a sigmoid gate, linear 1x1) or
:class:`~lucid.models.blocks.FusedMBConv` blocks; a 1x1 ``ConvNormAct`` head (``4 x`` the
last width for V1, 1280 for V2); then global average pooling, dropout and a linear
``classifier``. Stochastic depth grows linearly over the blocks, block ``i`` of ``N``
dropping with ``0.2 i / N``.

Compound scaling (V1): widths ``make_divisible(c * w, 8)``, repeats ``ceil(n * d)`` with
``(w, d, dropout)`` = B0 (1.0, 1.0, 0.2), B1 (1.0, 1.1, 0.2), B2 (1.1, 1.2, 0.3),
B3 (1.2, 1.4, 0.3), B4 (1.4, 1.8, 0.4), B5 (1.6, 2.2, 0.4), B6 (1.8, 2.6, 0.5),
B7 (2.0, 3.1, 0.5). B5-B7 batch norms use ``eps=1e-3, momentum=0.01`` (torchvision's
ported TF weights), V2 ``eps=1e-3``.

Parameters with 1000 classes: B0 5,288,548; B1 7,794,184; B2 9,109,994; B3 12,233,232;
B4 19,341,616; B5 30,389,784; B6 43,040,704; B7 66,347,960; V2-S 21,458,488;
V2-M 54,139,356; V2-L 118,515,272; V2-XL 208,119,808 (timm ``tf_efficientnetv2_xl``; the
XL stage table is the paper code's, ``efficientnetv2-xl`` in google/automl).

Departure of the original Lucid: its expand-ratio-1 MBConv blocks (the first stage) add an
extra 1x1 expansion convolution + batch norm that the paper and torchvision do not have;
here they follow the paper.
"""

from __future__ import annotations

import math

from lucid import nn
from lucid.models.blocks import ConvNormAct, FusedMBConv, MBConv
from lucid.models.model_init import init_fan_out_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["EfficientNet"] + [f"efficientnet_b{i}" for i in range(8)] + \
    [f"efficientnet_v2_{s}" for s in ("s", "m", "l", "xl")]

# (block, expand ratio, kernel, stride, in channels, out channels, repeats)
_B0 = (("mb", 1, 3, 1, 32, 16, 1), ("mb", 6, 3, 2, 16, 24, 2), ("mb", 6, 5, 2, 24, 40, 2),
       ("mb", 6, 3, 2, 40, 80, 3), ("mb", 6, 5, 1, 80, 112, 3), ("mb", 6, 5, 2, 112, 192, 4),
       ("mb", 6, 3, 1, 192, 320, 1))
_V2_S = (("fused", 1, 3, 1, 24, 24, 2), ("fused", 4, 3, 2, 24, 48, 4),
         ("fused", 4, 3, 2, 48, 64, 4), ("mb", 4, 3, 2, 64, 128, 6),
         ("mb", 6, 3, 1, 128, 160, 9), ("mb", 6, 3, 2, 160, 256, 15))
_V2_M = (("fused", 1, 3, 1, 24, 24, 3), ("fused", 4, 3, 2, 24, 48, 5),
         ("fused", 4, 3, 2, 48, 80, 5), ("mb", 4, 3, 2, 80, 160, 7),
         ("mb", 6, 3, 1, 160, 176, 14), ("mb", 6, 3, 2, 176, 304, 18),
         ("mb", 6, 3, 1, 304, 512, 5))
_V2_L = (("fused", 1, 3, 1, 32, 32, 4), ("fused", 4, 3, 2, 32, 64, 7),
         ("fused", 4, 3, 2, 64, 96, 7), ("mb", 4, 3, 2, 96, 192, 10),
         ("mb", 6, 3, 1, 192, 224, 19), ("mb", 6, 3, 2, 224, 384, 25),
         ("mb", 6, 3, 1, 384, 640, 7))
_V2_XL = (("fused", 1, 3, 1, 32, 32, 4), ("fused", 4, 3, 2, 32, 64, 8),
          ("fused", 4, 3, 2, 64, 96, 8), ("mb", 4, 3, 2, 96, 192, 16),
          ("mb", 6, 3, 1, 192, 256, 24), ("mb", 6, 3, 2, 256, 512, 32),
          ("mb", 6, 3, 1, 512, 640, 8))
_B_SCALES = ((1.0, 1.0, 0.2), (1.0, 1.1, 0.2), (1.1, 1.2, 0.3), (1.2, 1.4, 0.3),
             (1.4, 1.8, 0.4), (1.6, 2.2, 0.4), (1.8, 2.6, 0.5), (2.0, 3.1, 0.5))


def _scale(settings, width: float, depth: float):
    """Compound scaling of a stage table: widths to multiples of 8, repeats rounded up."""
    make = nn.utils.make_divisible
    return tuple((kind, e, k, s, make(cin * width), make(cout * width), math.ceil(n * depth))
                 for kind, e, k, s, cin, cout, n in settings)


class EfficientNet(nn.Module):
    """EfficientNet V1/V2 from a stage table (see the module docstring).

    Args:
        settings: rows ``(kind, expand, kernel, stride, in, out, repeats)``, kind ``"mb"``
            or ``"fused"``.
        dropout: before the classifier. last_channel: head width (None: 4x the last stage).
        num_classes (1000), stochastic_depth_prob (0.2), bn_eps (1e-5), bn_momentum (0.1),
        in_channels (3).
    """

    def __init__(self, settings, dropout: float, last_channel: int | None = None,
                 num_classes: int = 1000, stochastic_depth_prob: float = 0.2,
                 bn_eps: float = 1e-5, bn_momentum: float = 0.1, in_channels: int = 3) -> None:
        super().__init__()
        bn = {"bn_eps": bn_eps, "bn_momentum": bn_momentum}
        layers = [ConvNormAct(in_channels, settings[0][4], 3, stride=2, activation=nn.SiLU,
                              **bn)]
        total = sum(row[6] for row in settings)
        index = 0
        for kind, expand, k, stride, cin, cout, repeats in settings:
            stage = []
            for i in range(repeats):
                c_in = cin if i == 0 else cout
                expanded = nn.utils.make_divisible(c_in * expand)
                p = stochastic_depth_prob * index / total
                if kind == "fused":
                    stage.append(FusedMBConv(c_in, expanded, cout, k, stride if i == 0 else 1,
                                             nn.SiLU, drop_path=p, **bn))
                else:
                    stage.append(MBConv(c_in, expanded, cout, k, stride if i == 0 else 1,
                                        nn.SiLU, se_channels=max(1, c_in // 4),
                                        se_activation=nn.SiLU, se_gate=nn.Sigmoid,
                                        drop_path=p, **bn))
                index += 1
            layers.append(nn.Sequential(*stage))
        last_in = settings[-1][5]
        last = last_channel if last_channel is not None else 4 * last_in
        layers.append(ConvNormAct(last_in, last, 1, activation=nn.SiLU, **bn))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, num_classes))
        init_fan_out_(self, linear="uniform")

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.mean(axis=(2, 3)))


def _build(settings, dropout, num_classes, weights, kwargs, **defaults) -> EfficientNet:
    model = EfficientNet(settings, dropout, num_classes=num_classes, **{**defaults, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


def _b(i: int, num_classes, weights, kwargs) -> EfficientNet:
    width, depth, dropout = _B_SCALES[i]
    bn = {"bn_eps": 1e-3, "bn_momentum": 0.01} if i >= 5 else {}
    return _build(_scale(_B0, width, depth), dropout, num_classes, weights, kwargs, **bn)


@register_model
def efficientnet_b0(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B0 (224 px): 5,288,548 parameters with 1000 classes."""
    return _b(0, num_classes, weights, kwargs)


@register_model
def efficientnet_b1(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B1 (240 px): 7,794,184 parameters with 1000 classes."""
    return _b(1, num_classes, weights, kwargs)


@register_model
def efficientnet_b2(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B2 (260 px): 9,109,994 parameters with 1000 classes."""
    return _b(2, num_classes, weights, kwargs)


@register_model
def efficientnet_b3(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B3 (300 px): 12,233,232 parameters with 1000 classes."""
    return _b(3, num_classes, weights, kwargs)


@register_model
def efficientnet_b4(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B4 (380 px): 19,341,616 parameters with 1000 classes."""
    return _b(4, num_classes, weights, kwargs)


@register_model
def efficientnet_b5(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B5 (456 px): 30,389,784 parameters with 1000 classes."""
    return _b(5, num_classes, weights, kwargs)


@register_model
def efficientnet_b6(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B6 (528 px): 43,040,704 parameters with 1000 classes."""
    return _b(6, num_classes, weights, kwargs)


@register_model
def efficientnet_b7(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNet-B7 (600 px): 66,347,960 parameters with 1000 classes."""
    return _b(7, num_classes, weights, kwargs)


@register_model
def efficientnet_v2_s(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNetV2-S: 21,458,488 parameters with 1000 classes."""
    return _build(_V2_S, 0.2, num_classes, weights, kwargs, last_channel=1280, bn_eps=1e-3)


@register_model
def efficientnet_v2_m(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNetV2-M: 54,139,356 parameters with 1000 classes."""
    return _build(_V2_M, 0.3, num_classes, weights, kwargs, last_channel=1280, bn_eps=1e-3)


@register_model
def efficientnet_v2_l(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNetV2-L: 118,515,272 parameters with 1000 classes."""
    return _build(_V2_L, 0.4, num_classes, weights, kwargs, last_channel=1280, bn_eps=1e-3)


@register_model
def efficientnet_v2_xl(num_classes: int = 1000, weights=None, **kwargs) -> EfficientNet:
    """EfficientNetV2-XL (paper code's stage table): 208,119,808 parameters with 1000
    classes, as timm's ``tf_efficientnetv2_xl``; torchvision has no XL."""
    return _build(_V2_XL, 0.4, num_classes, weights, kwargs, last_channel=1280, bn_eps=1e-3)
