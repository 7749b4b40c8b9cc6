"""VGG (Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015), configurations A, B, D, E (11, 13, 16, 19 weight layers), with
torchvision's ``vgg11/13/16/19`` structure and parameter names::

    features:   stacks of 3x3 convolutions (padding 1) + ReLU, each stack ended by a 2x2
                stride-2 max-pool; widths 64, 128, 256, 512, 512
    avgpool:    adaptive average pool to 7x7 (the identity at 224x224)
    classifier: fc 25088->4096 - relu - dropout - fc 4096->4096 - relu - dropout - fc

``batch_norm=True`` adds a batch norm after every convolution (torchvision's ``vggNN_bn``).
Initialisation as torchvision: convolutions ``kaiming_normal_(fan_out, relu)`` with zero
bias, linear layers ``normal(0, 0.01)`` with zero bias, batch norms 1/0. Parameter counts
at 1000 classes: 11 132,863,336; 13 133,047,848; 16 138,357,544; 19 143,667,240.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["VGG", "vggnet_11", "vggnet_13", "vggnet_16", "vggnet_19"]

# convolution widths per stack; each stack is followed by a max-pool (paper, Table 1)
CONFIGS = {
    11: ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    13: ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    16: ((64, 64), (128, 128), (256,) * 3, (512,) * 3, (512,) * 3),
    19: ((64, 64), (128, 128), (256,) * 4, (512,) * 4, (512,) * 4),
}


def make_features(stacks, batch_norm: bool, in_channels: int = 3) -> nn.Sequential:
    layers = []
    for widths in stacks:
        for width in widths:
            layers.append(nn.Conv2d(in_channels, width, 3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(width))
            layers.append(nn.ReLU())
            in_channels = width
        layers.append(nn.MaxPool2d(2, stride=2))
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG. Args: ``depth`` (11, 13, 16 or 19), ``num_classes`` (1000), ``batch_norm``
    (False), ``dropout`` (0.5), ``in_channels`` (3)."""

    def __init__(self, depth: int = 16, num_classes: int = 1000, batch_norm: bool = False,
                 dropout: float = 0.5, in_channels: int = 3) -> None:
        super().__init__()
        if depth not in CONFIGS:
            raise ValueError(f"VGG: depth must be one of {sorted(CONFIGS)}, got {depth}")
        self.features = make_features(CONFIGS[depth], batch_norm, in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(4096, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def _vgg(depth: int, num_classes: int, weights, **kwargs) -> VGG:
    model = VGG(depth, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def vggnet_11(num_classes: int = 1000, weights=None, **kwargs) -> VGG:
    """VGG-11 (configuration A); 132,863,336 parameters (torchvision ``vgg11``)."""
    return _vgg(11, num_classes, weights, **kwargs)


@register_model
def vggnet_13(num_classes: int = 1000, weights=None, **kwargs) -> VGG:
    """VGG-13 (configuration B); 133,047,848 parameters (torchvision ``vgg13``)."""
    return _vgg(13, num_classes, weights, **kwargs)


@register_model
def vggnet_16(num_classes: int = 1000, weights=None, **kwargs) -> VGG:
    """VGG-16 (configuration D); 138,357,544 parameters (torchvision ``vgg16``)."""
    return _vgg(16, num_classes, weights, **kwargs)


@register_model
def vggnet_19(num_classes: int = 1000, weights=None, **kwargs) -> VGG:
    """VGG-19 (configuration E); 143,667,240 parameters (torchvision ``vgg19``)."""
    return _vgg(19, num_classes, weights, **kwargs)
