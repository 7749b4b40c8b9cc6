"""SE-ResNet and SE-ResNeXt (Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018):
ResNet/ResNeXt blocks whose branch output is rescaled by a squeeze-and-excitation gate
before the residual addition::

    y = relu(se(branch(x)) + shortcut(x)),  se(u) = u * sigmoid(fc2(relu(fc1(mean u))))

with ``nn.SEModule`` reducing ``C`` channels to ``make_divisible(C / 16, 8)`` (timm's
``seresnet*``/``seresnext*`` layout: ``layerI.J.se.fc1/fc2``, so their weights load).

Parameter counts at 1000 classes: se_resnet_18 11,779,624; _34 21,960,416; _50 28,088,024;
_101 49,326,872; _152 66,821,848; se_resnext_50_32x4d 27,559,896; _101_32x4d 48,955,416;
_101_32x8d 93,569,048; _101_64x4d 88,232,984.

Departures of the original Lucid: its SE gate used ``nn.Linear`` layers with ``C // 16``
channels (no rounding to a multiple of 8), so its small-stage gates are narrower and its
state dicts do not load timm's weights; and its SE blocks added the shortcut only where a
``downsample`` exists, dropping the identity shortcut of every other block (the paper's
SE-ResNet keeps it, as here).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.models.resnet import ResNet, build_resnet
from lucid.models.resnet_blocks import BasicBlock, Bottleneck

__all__ = ["se_attention", "se_resnet_18", "se_resnet_34", "se_resnet_50", "se_resnet_101",
           "se_resnet_152", "se_resnext_50_32x4d", "se_resnext_101_32x4d",
           "se_resnext_101_32x8d", "se_resnext_101_64x4d"]


def se_attention(channels: int) -> nn.SEModule:
    """The SE gate of a block with ``channels`` outputs (reduction 16, multiple of 8)."""
    return nn.SEModule(channels, reduced_channels=nn.utils.make_divisible(channels / 16, 8))


def _senet(block, layers, num_classes, weights, **kwargs) -> ResNet:
    return build_resnet(block, layers, num_classes, weights, attn=se_attention, **kwargs)


@register_model
def se_resnet_18(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNet-18: basic blocks (2, 2, 2, 2) with SE; 11,779,624 parameters (timm
    ``seresnet18``)."""
    return _senet(BasicBlock, (2, 2, 2, 2), num_classes, weights, **kwargs)


@register_model
def se_resnet_34(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNet-34: basic blocks (3, 4, 6, 3) with SE; 21,960,416 parameters (timm
    ``seresnet34``)."""
    return _senet(BasicBlock, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def se_resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNet-50: bottlenecks (3, 4, 6, 3) with SE; 28,088,024 parameters (timm
    ``seresnet50``)."""
    return _senet(Bottleneck, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def se_resnet_101(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNet-101: bottlenecks (3, 4, 23, 3) with SE; 49,326,872 parameters (timm
    ``seresnet101``)."""
    return _senet(Bottleneck, (3, 4, 23, 3), num_classes, weights, **kwargs)


@register_model
def se_resnet_152(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNet-152: bottlenecks (3, 8, 36, 3) with SE; 66,821,848 parameters (timm
    ``seresnet152``)."""
    return _senet(Bottleneck, (3, 8, 36, 3), num_classes, weights, **kwargs)


@register_model
def se_resnext_50_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNeXt-50 32x4d; 27,559,896 parameters (timm ``seresnext50_32x4d``)."""
    return _senet(Bottleneck, (3, 4, 6, 3), num_classes, weights, groups=32, base_width=4,
                  **kwargs)


@register_model
def se_resnext_101_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNeXt-101 32x4d; 48,955,416 parameters (timm ``seresnext101_32x4d``)."""
    return _senet(Bottleneck, (3, 4, 23, 3), num_classes, weights, groups=32, base_width=4,
                  **kwargs)


@register_model
def se_resnext_101_32x8d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNeXt-101 32x8d; 93,569,048 parameters (timm ``seresnext101_32x8d``)."""
    return _senet(Bottleneck, (3, 4, 23, 3), num_classes, weights, groups=32, base_width=8,
                  **kwargs)


@register_model
def se_resnext_101_64x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SE-ResNeXt-101 64x4d; 88,232,984 parameters (timm ``seresnext101_64x4d``)."""
    return _senet(Bottleneck, (3, 4, 23, 3), num_classes, weights, groups=64, base_width=4,
                  **kwargs)
