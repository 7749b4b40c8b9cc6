"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
CVPR 2018) with torchvision's structure, parameter names and initialisation.

Stem ``ConvNormAct(3, 32, 3, stride 2, ReLU6)``; inverted residuals
(:class:`~lucid.models.blocks.InvertedResidual`) by the paper's Table 2, rows
``(t, c, n, s)`` = expansion, output channels, repeats, first stride::

    (1, 16, 1, 1) (6, 24, 2, 2) (6, 32, 3, 2) (6, 64, 4, 2) (6, 96, 3, 1) (6, 160, 3, 2)
    (6, 320, 1, 1)

then ``ConvNormAct(320, 1280, 1, ReLU6)``, global average pooling, dropout 0.2 and a linear
classifier. Channels scale by ``width_mult`` rounded to multiples of 8
(``nn.utils.make_divisible``). 3,504,872 parameters with 1000 classes.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks import ConvNormAct, InvertedResidual
from lucid.models.model_init import init_fan_out_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["MobileNetV2", "mobilenet_v2"]

_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
             (6, 160, 3, 2), (6, 320, 1, 1))


class MobileNetV2(nn.Module):
    """MobileNetV2: ``features`` (stem, 17 inverted residuals, 1x1 head conv), then
    ``classifier`` (dropout, linear).

    Args:
        num_classes (1000), width_mult (1.0), dropout (0.2), in_channels (3).
    """

    def __init__(self, num_classes: int = 1000, width_mult: float = 1.0, dropout: float = 0.2,
                 in_channels: int = 3) -> None:
        super().__init__()
        make = nn.utils.make_divisible
        channels = make(32 * width_mult)
        last = make(1280 * max(1.0, width_mult))
        layers = [ConvNormAct(in_channels, channels, 3, stride=2, activation=nn.ReLU6)]
        for t, c, n, s in _SETTINGS:
            out = make(c * width_mult)
            for i in range(n):
                layers.append(InvertedResidual(channels, out, s if i == 0 else 1, t))
                channels = out
        layers.append(ConvNormAct(channels, last, 1, activation=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, num_classes))
        init_fan_out_(self, linear="normal")

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.mean(axis=(2, 3)))


@register_model
def mobilenet_v2(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV2:
    """MobileNetV2 1.0: 3,504,872 parameters with 1000 classes (torchvision's count).
    The original Lucid's version matches the paper's layout."""
    model = MobileNetV2(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
