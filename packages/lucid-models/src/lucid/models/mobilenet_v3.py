"""MobileNetV3-Small and -Large (Howard et al., "Searching for MobileNetV3", ICCV 2019,
Tables 1-2) with torchvision's structure, parameter names and initialisation.

Stem ``ConvNormAct(3, 16, 3, stride 2, Hardswish)``; then :class:`~lucid.models.blocks.MBConv`
blocks from the tables (kernel, expanded width, output width, SE, activation, stride); SE
width ``make_divisible(E / 4, 8)`` with a ReLU inside and a hard-sigmoid gate; then
``ConvNormAct(C, 6C, 1, Hardswish)``, global average pooling and the classifier
``Linear(6C, H) -> Hardswish -> Dropout(0.2) -> Linear(H, classes)`` with ``H = 1024``
(Small) or ``1280`` (Large). Batch norms use ``eps=1e-3, momentum=0.01``.
2,542,856 (Small) and 5,483,032 (Large) parameters with 1000 classes.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks import ConvNormAct, MBConv
from lucid.models.model_init import init_fan_out_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["MobileNetV3", "mobilenet_v3_small", "mobilenet_v3_large"]

_RE, _HS = nn.ReLU, nn.Hardswish
# (kernel, expanded, out, squeeze-excitation, activation, stride); input width follows.
_LARGE = ((3, 16, 16, False, _RE, 1), (3, 64, 24, False, _RE, 2), (3, 72, 24, False, _RE, 1),
          (5, 72, 40, True, _RE, 2), (5, 120, 40, True, _RE, 1), (5, 120, 40, True, _RE, 1),
          (3, 240, 80, False, _HS, 2), (3, 200, 80, False, _HS, 1),
          (3, 184, 80, False, _HS, 1), (3, 184, 80, False, _HS, 1),
          (3, 480, 112, True, _HS, 1), (3, 672, 112, True, _HS, 1),
          (5, 672, 160, True, _HS, 2), (5, 960, 160, True, _HS, 1),
          (5, 960, 160, True, _HS, 1))
_SMALL = ((3, 16, 16, True, _RE, 2), (3, 72, 24, False, _RE, 2), (3, 88, 24, False, _RE, 1),
          (5, 96, 40, True, _HS, 2), (5, 240, 40, True, _HS, 1), (5, 240, 40, True, _HS, 1),
          (5, 120, 48, True, _HS, 1), (5, 144, 48, True, _HS, 1),
          (5, 288, 96, True, _HS, 2), (5, 576, 96, True, _HS, 1), (5, 576, 96, True, _HS, 1))
_BN = {"bn_eps": 1e-3, "bn_momentum": 0.01}


class MobileNetV3(nn.Module):
    """MobileNetV3: ``features`` (stem, blocks, 1x1 head conv) and ``classifier``.

    Args:
        settings: rows ``(kernel, expanded, out, se, activation, stride)``.
        last_channel: width of the classifier's hidden layer.
        num_classes (1000), width_mult (1.0), dropout (0.2), in_channels (3).
    """

    def __init__(self, settings, last_channel: int, num_classes: int = 1000,
                 width_mult: float = 1.0, dropout: float = 0.2, in_channels: int = 3) -> None:
        super().__init__()
        make = nn.utils.make_divisible
        channels = make(16 * width_mult)
        layers = [ConvNormAct(in_channels, channels, 3, stride=2, activation=_HS, **_BN)]
        for k, exp, out, se, act, stride in settings:
            exp, out = make(exp * width_mult), make(out * width_mult)
            layers.append(MBConv(channels, exp, out, k, stride, act,
                                 se_channels=make(exp // 4) if se else None,
                                 se_activation=nn.ReLU, se_gate=nn.Hardsigmoid, **_BN))
            channels = out
        layers.append(ConvNormAct(channels, 6 * channels, 1, activation=_HS, **_BN))
        self.features = nn.Sequential(*layers)
        last = make(last_channel * width_mult)
        self.classifier = nn.Sequential(nn.Linear(6 * channels, last), nn.Hardswish(),
                                        nn.Dropout(dropout), nn.Linear(last, num_classes))
        init_fan_out_(self, linear="normal")

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.mean(axis=(2, 3)))


def _mobilenet_v3(settings, last_channel, num_classes, weights, kwargs) -> MobileNetV3:
    model = MobileNetV3(settings, last_channel, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def mobilenet_v3_small(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV3:
    """MobileNetV3-Small: 2,542,856 parameters with 1000 classes (torchvision's count)."""
    return _mobilenet_v3(_SMALL, 1024, num_classes, weights, kwargs)


@register_model
def mobilenet_v3_large(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV3:
    """MobileNetV3-Large: 5,483,032 parameters with 1000 classes (torchvision's count)."""
    return _mobilenet_v3(_LARGE, 1280, num_classes, weights, kwargs)
