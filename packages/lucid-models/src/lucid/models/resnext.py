"""ResNeXt (Xie et al., "Aggregated Residual Transformations for Deep Neural Networks",
CVPR 2017): the ResNet bottleneck with a grouped 3x3 convolution of ``C`` groups
(cardinality) of ``d`` channels each, ``width = floor(planes * d / 64) * C`` (ResNeXt-50
32x4d: 128 channels in 32 groups in the first stage), on the ResNet skeleton
(:class:`lucid.models.resnet.ResNet`, torchvision's/timm's parameter names).

Parameter counts at 1000 classes: 50_32x4d 25,028,904; 101_32x4d 44,177,704;
101_32x8d 88,791,336; 101_32x16d 194,026,792; 101_32x32d 468,530,472; 101_64x4d 83,455,272.
"""

from __future__ import annotations

from lucid.models.registry import register_model
from lucid.models.resnet import ResNet, build_resnet
from lucid.models.resnet_blocks import Bottleneck

__all__ = ["resnext_50_32x4d", "resnext_101_32x4d", "resnext_101_32x8d", "resnext_101_32x16d",
           "resnext_101_32x32d", "resnext_101_64x4d"]


def _resnext(layers, groups: int, width: int, num_classes, weights, **kwargs) -> ResNet:
    return build_resnet(Bottleneck, layers, num_classes, weights, groups=groups,
                        base_width=width, **kwargs)


@register_model
def resnext_50_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-50 32x4d: (3, 4, 6, 3) bottlenecks, 32 groups of 4; 25,028,904 parameters
    (torchvision ``resnext50_32x4d``)."""
    return _resnext((3, 4, 6, 3), 32, 4, num_classes, weights, **kwargs)


@register_model
def resnext_101_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-101 32x4d: (3, 4, 23, 3) bottlenecks, 32 groups of 4; 44,177,704 parameters
    (timm ``resnext101_32x4d``)."""
    return _resnext((3, 4, 23, 3), 32, 4, num_classes, weights, **kwargs)


@register_model
def resnext_101_32x8d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-101 32x8d: (3, 4, 23, 3) bottlenecks, 32 groups of 8; 88,791,336 parameters
    (torchvision ``resnext101_32x8d``)."""
    return _resnext((3, 4, 23, 3), 32, 8, num_classes, weights, **kwargs)


@register_model
def resnext_101_32x16d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-101 32x16d: (3, 4, 23, 3) bottlenecks, 32 groups of 16; 194,026,792
    parameters (timm ``resnext101_32x16d``, Mahajan et al. 2018's WSL model)."""
    return _resnext((3, 4, 23, 3), 32, 16, num_classes, weights, **kwargs)


@register_model
def resnext_101_32x32d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-101 32x32d: (3, 4, 23, 3) bottlenecks, 32 groups of 32; 468,530,472
    parameters (timm ``resnext101_32x32d``)."""
    return _resnext((3, 4, 23, 3), 32, 32, num_classes, weights, **kwargs)


@register_model
def resnext_101_64x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNeXt-101 64x4d: (3, 4, 23, 3) bottlenecks, 64 groups of 4; 83,455,272 parameters
    (torchvision ``resnext101_64x4d``)."""
    return _resnext((3, 4, 23, 3), 64, 4, num_classes, weights, **kwargs)
