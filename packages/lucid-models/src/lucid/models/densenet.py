"""DenseNet (Huang et al., "Densely Connected Convolutional Networks", CVPR 2017), the
ImageNet DenseNet-BC of the paper's Table 1, with torchvision's ``densenet*`` structure and
parameter names.

A dense layer adds ``k`` (growth rate) channels computed from the concatenation of every
earlier feature map of its block::

    h(x) = conv2_3x3(relu(norm2(conv1_1x1(relu(norm1(x))))))      (bottleneck: 4k channels)
    x <- concat(x, h(x))

A transition (``norm``, ``relu``, 1x1 ``conv`` halving the channels, 2x2 average ``pool``)
follows every block but the last. Stem: 7x7 stride-2 convolution to 64 channels, batch norm,
ReLU, 3x3 stride-2 max-pool; head: batch norm, ReLU, global average pool, linear.
Blocks: 121 (6, 12, 24, 16), 169 (6, 12, 32, 32), 201 (6, 12, 48, 32), 264 (6, 12, 64, 48),
k = 32. Initialisation as torchvision: convolutions ``kaiming_normal_``, batch norms 1/0,
linear bias 0. Parameter counts at 1000 classes: 121 7,978,856; 169 14,149,480;
201 20,013,928; 264 33,337,704.
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["DenseNet", "densenet_121", "densenet_169", "densenet_201", "densenet_264"]


class DenseLayer(nn.Module):
    """``concat(x, conv2(relu(norm2(conv1(relu(norm1(x)))))))`` with ``k`` new channels."""

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int,
                 dropout: float) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        h = self.conv1(self.relu1(self.norm1(x)))
        h = self.dropout(self.conv2(self.relu2(self.norm2(h))))
        return lucid.cat([x, h], dim=1)


class Transition(nn.Sequential):
    """Batch norm, ReLU, 1x1 convolution to ``out_channels``, 2x2 average pool."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(in_channels))
        self.add_module("relu", nn.ReLU())
        self.add_module("conv", nn.Conv2d(in_channels, out_channels, 1, bias=False))
        self.add_module("pool", nn.AvgPool2d(2, stride=2))


class DenseNet(nn.Module):
    """DenseNet-BC.

    Args:
        block_config: dense layers per block, e.g. ``(6, 12, 24, 16)``.
        growth_rate: k (32). num_init_features: stem width (64). bn_size: bottleneck
        width factor (4). dropout: after each dense layer (0). num_classes (1000),
        in_channels (3).
    """

    def __init__(self, block_config=(6, 12, 24, 16), growth_rate: int = 32,
                 num_init_features: int = 64, bn_size: int = 4, dropout: float = 0.0,
                 num_classes: int = 1000, in_channels: int = 3) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(in_channels, num_init_features, 7,
                                                    stride=2, padding=3, bias=False))
        self.features.add_module("norm0", nn.BatchNorm2d(num_init_features))
        self.features.add_module("relu0", nn.ReLU())
        self.features.add_module("pool0", nn.MaxPool2d(3, stride=2, padding=1))
        channels = num_init_features
        for i, layers in enumerate(block_config):
            block = nn.Sequential()
            for j in range(layers):
                block.add_module(f"denselayer{j + 1}",
                                 DenseLayer(channels + j * growth_rate, growth_rate, bn_size,
                                            dropout))
            self.features.add_module(f"denseblock{i + 1}", block)
            channels += layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}",
                                         Transition(channels, channels // 2))
                channels //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(channels))
        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.classifier(self.avgpool(self.relu(self.features(x))).flatten(1))


def _densenet(block_config, num_classes: int, weights, **kwargs) -> DenseNet:
    model = DenseNet(block_config, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def densenet_121(num_classes: int = 1000, weights=None, **kwargs) -> DenseNet:
    """DenseNet-121: blocks (6, 12, 24, 16), k = 32; 7,978,856 parameters (torchvision
    ``densenet121``)."""
    return _densenet((6, 12, 24, 16), num_classes, weights, **kwargs)


@register_model
def densenet_169(num_classes: int = 1000, weights=None, **kwargs) -> DenseNet:
    """DenseNet-169: blocks (6, 12, 32, 32), k = 32; 14,149,480 parameters (torchvision
    ``densenet169``)."""
    return _densenet((6, 12, 32, 32), num_classes, weights, **kwargs)


@register_model
def densenet_201(num_classes: int = 1000, weights=None, **kwargs) -> DenseNet:
    """DenseNet-201: blocks (6, 12, 48, 32), k = 32; 20,013,928 parameters (torchvision
    ``densenet201``)."""
    return _densenet((6, 12, 48, 32), num_classes, weights, **kwargs)


@register_model
def densenet_264(num_classes: int = 1000, weights=None, **kwargs) -> DenseNet:
    """DenseNet-264: blocks (6, 12, 64, 48), k = 32 (paper, Table 1); 33,337,704
    parameters."""
    return _densenet((6, 12, 64, 48), num_classes, weights, **kwargs)
