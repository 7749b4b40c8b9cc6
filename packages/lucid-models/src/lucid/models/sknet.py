"""SK-ResNet and SK-ResNeXt (Li et al., "Selective Kernel Networks", CVPR 2019): ResNet
blocks whose 3x3 convolution is a selective-kernel convolution (``nn.SelectiveKernel``: a
3x3 and a dilated-3x3 path fused by a per-channel softmax attention), on the ResNet skeleton,
with timm's ``skresnet*`` structure and names (``conv1.conv``/``conv1.bn`` conv-bn pairs,
``conv2.paths.i``, ``conv2.attn``).

SK basic block (SK-ResNet-18/34)::

    branch(x) = conv2(conv1(x)),  conv1 = SK(in -> planes, stride),  conv2 = conv-bn 3x3

SK bottleneck (SK-ResNet-50, SK-ResNeXt-50 32x4d)::

    branch(x) = conv3(conv2(conv1(x))),  conv1 = conv-bn-relu 1x1,  conv2 = SK(width,
    stride, groups),  conv3 = conv-bn 1x1 to 4 * planes

Attention widths as timm: ``make_divisible(C / 8, 16)`` for SK-ResNet-18/34,
``make_divisible(C / 16, 8)`` for SK-ResNet-50, ``make_divisible(C / 16, 32)`` (and no input
split) for SK-ResNeXt-50. Parameter counts at 1000 classes: sk_resnet_18 11,958,056;
sk_resnet_34 22,282,376; sk_resnet_50 25,803,160; sk_resnext_50_32x4d 27,479,784.

Departure of the original Lucid: its SK blocks used ungrouped full-width 3x3 and 5x5
branches without the input split and a per-path (not per-channel) attention, about twice
timm's size; this follows timm (and the paper's per-channel attention), whose weights load.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.models.resnet import ResNet, build_resnet
from lucid.models.resnet_blocks import ResidualBlock

__all__ = ["SKBasicBlock", "SKBottleneck", "sk_resnet_18", "sk_resnet_34", "sk_resnet_50",
           "sk_resnext_50_32x4d"]


def _conv_bn(in_ch: int, out_ch: int, k: int, relu: bool) -> nn.ConvBNReLU2d:
    return nn.ConvBNReLU2d(in_ch, out_ch, k, padding=k // 2, conv_bias=False,
                           activation=nn.ReLU if relu else None)


class SKBasicBlock(ResidualBlock):
    """Selective-kernel 3x3 (strided) then conv-bn 3x3, with a residual connection.

    ``sk`` holds ``nn.SelectiveKernel`` options (``reduction``, ``divisor``,
    ``split_input``); other arguments as :class:`lucid.models.resnet_blocks.BasicBlock`.
    """

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None,
                 groups: int = 1, base_width: int = 64, sk: dict | None = None,
                 attn=None, drop_path: float = 0.0) -> None:
        super().__init__()
        if groups != 1 or base_width != 64:
            raise ValueError(f"SKBasicBlock: only groups=1 and base_width=64 are supported, "
                             f"got groups={groups}, base_width={base_width}")
        self.conv1 = nn.SelectiveKernel(inplanes, planes, stride=stride, **(sk or {}))
        self.conv2 = _conv_bn(planes, planes, 3, relu=False)
        self._init_tail(planes, downsample, attn, drop_path)

    def branch(self, x):
        return self.conv2(self.conv1(x))

    def last_bn(self) -> nn.Module:
        return self.conv2.bn


class SKBottleneck(ResidualBlock):
    """conv-bn-relu 1x1, selective-kernel 3x3 (strided, grouped), conv-bn 1x1 expanding
    by 4, with ``width = floor(planes * base_width / 64) * groups``."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None,
                 groups: int = 1, base_width: int = 64, sk: dict | None = None,
                 attn=None, drop_path: float = 0.0) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = _conv_bn(inplanes, width, 1, relu=True)
        self.conv2 = nn.SelectiveKernel(width, width, stride=stride, groups=groups,
                                        **(sk or {}))
        self.conv3 = _conv_bn(width, planes * self.expansion, 1, relu=False)
        self._init_tail(planes * self.expansion, downsample, attn, drop_path)

    def branch(self, x):
        return self.conv3(self.conv2(self.conv1(x)))

    def last_bn(self) -> nn.Module:
        return self.conv3.bn


@register_model
def sk_resnet_18(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SK-ResNet-18: SK basic blocks (2, 2, 2, 2); 11,958,056 parameters (timm
    ``skresnet18``)."""
    return build_resnet(SKBasicBlock, (2, 2, 2, 2), num_classes, weights,
                        sk=dict(reduction=8, divisor=16), **kwargs)


@register_model
def sk_resnet_34(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SK-ResNet-34: SK basic blocks (3, 4, 6, 3); 22,282,376 parameters (timm
    ``skresnet34``)."""
    return build_resnet(SKBasicBlock, (3, 4, 6, 3), num_classes, weights,
                        sk=dict(reduction=8, divisor=16), **kwargs)


@register_model
def sk_resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SK-ResNet-50: SK bottlenecks (3, 4, 6, 3); 25,803,160 parameters (timm
    ``skresnet50``)."""
    return build_resnet(SKBottleneck, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def sk_resnext_50_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """SK-ResNeXt-50 32x4d: SK bottlenecks (3, 4, 6, 3), 32 groups of 4, no input split;
    27,479,784 parameters (timm ``skresnext50_32x4d``)."""
    return build_resnet(SKBottleneck, (3, 4, 6, 3), num_classes, weights, groups=32,
                        base_width=4, sk=dict(reduction=16, divisor=32, split_input=False),
                        **kwargs)
