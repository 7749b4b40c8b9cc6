"""ResNeSt (Zhang et al., "ResNeSt: Split-Attention Networks", 2020): the ResNet-D skeleton
(deep stem of three 3x3 convolutions, average-pool shortcuts: ``ResNet(deep_stem=True,
avg_down=True)``) with split-attention bottlenecks, timm's ``resnest*`` structure and names.

ResNeSt bottleneck, ``width = floor(planes * base_width / 64) * K``::

    branch(x) = bn3(conv3(avd(conv2(relu(bn1(conv1(x)))))))
    conv2 = SplitAttention(width, radix R, cardinality K), stride 1 when ``avd``
    avd = 3x3 average pool with the block's stride (before conv2 when ``avd_first``)

ResNeSt-14/26/50: stem width 32; -101/200/269: stem width 64. ``50_4s2x40d``: R = 4, K = 2,
base width 40; ``50_1s4x24d``: R = 1 (sigmoid gate), K = 4, base width 24; both pool first.
Parameter counts at 1000 classes: 14 10,611,688; 26 17,069,448; 50 27,483,240; 101
48,275,016; 200 70,201,544; 269 110,929,480; 50_4s2x40d 30,417,592; 50_1s4x24d 25,677,000.

Departure of the original Lucid: its deep stem lacked the batch norm after the second
stem convolution; this follows the paper and timm (whose weights load).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.split_attention import SplitAttention
from lucid.models.registry import register_model
from lucid.models.resnet import ResNet, build_resnet
from lucid.models.resnet_blocks import ResidualBlock, conv1x1

__all__ = ["ResNeStBottleneck", "resnest_14", "resnest_26", "resnest_50", "resnest_101",
           "resnest_200", "resnest_269", "resnest_50_4s2x40d", "resnest_50_1s4x24d"]


class ResNeStBottleneck(ResidualBlock):
    """Bottleneck whose 3x3 convolution is a split attention (see the module docstring).

    Args: as :class:`lucid.models.resnet_blocks.Bottleneck`, plus ``radix`` (2), ``avd``
    (average-pool downsampling instead of a strided convolution, True) and ``avd_first``
    (pool before the split attention, False).
    """

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None,
                 groups: int = 1, base_width: int = 64, radix: int = 2, avd: bool = True,
                 avd_first: bool = False, attn=None, drop_path: float = 0.0) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        pool = avd and stride > 1
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.avd_first = nn.AvgPool2d(3, stride, padding=1) if pool and avd_first else None
        self.conv2 = SplitAttention(width, width, stride=1 if pool else stride, groups=groups,
                                    radix=radix)
        self.avd_last = nn.AvgPool2d(3, stride, padding=1) if pool and not avd_first \
            else None
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self._init_tail(planes * self.expansion, downsample, attn, drop_path)

    def branch(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        if self.avd_first is not None:
            out = self.avd_first(out)
        out = self.conv2(out)
        if self.avd_last is not None:
            out = self.avd_last(out)
        return self.bn3(self.conv3(out))

    def last_bn(self) -> nn.Module:
        return self.bn3


def _resnest(layers, stem_width: int, num_classes, weights, **kwargs) -> ResNet:
    return build_resnet(ResNeStBottleneck, layers, num_classes, weights, deep_stem=True,
                        stem_width=stem_width, avg_down=True, **kwargs)


@register_model
def resnest_14(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-14: (1, 1, 1, 1), stem width 32; 10,611,688 parameters (timm
    ``resnest14d``)."""
    return _resnest((1, 1, 1, 1), 32, num_classes, weights, **kwargs)


@register_model
def resnest_26(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-26: (2, 2, 2, 2), stem width 32; 17,069,448 parameters (timm
    ``resnest26d``)."""
    return _resnest((2, 2, 2, 2), 32, num_classes, weights, **kwargs)


@register_model
def resnest_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-50: (3, 4, 6, 3), stem width 32; 27,483,240 parameters (timm
    ``resnest50d``)."""
    return _resnest((3, 4, 6, 3), 32, num_classes, weights, **kwargs)


@register_model
def resnest_101(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-101: (3, 4, 23, 3), stem width 64; 48,275,016 parameters (timm
    ``resnest101e``)."""
    return _resnest((3, 4, 23, 3), 64, num_classes, weights, **kwargs)


@register_model
def resnest_200(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-200: (3, 24, 36, 3), stem width 64; 70,201,544 parameters (timm
    ``resnest200e``)."""
    return _resnest((3, 24, 36, 3), 64, num_classes, weights, **kwargs)


@register_model
def resnest_269(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-269: (3, 30, 48, 8), stem width 64; 110,929,480 parameters (timm
    ``resnest269e``)."""
    return _resnest((3, 30, 48, 8), 64, num_classes, weights, **kwargs)


@register_model
def resnest_50_4s2x40d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-50 4s2x40d: radix 4, cardinality 2, base width 40, pool first; 30,417,592
    parameters (timm ``resnest50d_4s2x40d``)."""
    return _resnest((3, 4, 6, 3), 32, num_classes, weights, radix=4, groups=2, base_width=40,
                    avd_first=True, **kwargs)


@register_model
def resnest_50_1s4x24d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeSt-50 1s4x24d: radix 1, cardinality 4, base width 24, pool first; 25,677,000
    parameters (timm ``resnest50d_1s4x24d``)."""
    return _resnest((3, 4, 6, 3), 32, num_classes, weights, radix=1, groups=4, base_width=24,
                    avd_first=True, **kwargs)
