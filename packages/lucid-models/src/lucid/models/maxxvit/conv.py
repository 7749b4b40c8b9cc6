"""Convolutional pieces of MaxViT and CoAtNet (timm's ``maxxvit`` names): the stem, the
pooling downsampler, and the pre-norm MBConv block.

``same`` padding (the TensorFlow MaxViT checkpoints): a stride-2 layer pads
``max((ceil(H/s) - 1) s + k - H, 0)`` in total, the smaller half first (so 0 before and 1
after for an even size and k=3), instead of the symmetric ``k // 2``.

MBConv (pre-norm, Tan & Le 2019; CoAtNet/MaxViT form, expansion 4 of the OUTPUT width)::

    shortcut = x                       or conv1x1(avgpool2x2(x)) when stride 2
    h = BN(x)                                                      (no activation)
    h = act(BN(conv1x1_{C -> 4C'}(h)))
    h = act(BN(dwconv3x3_{stride}(h)))
    h = SE(h)                          C'/4 squeeze channels, SiLU, sigmoid gate
    y = shortcut + drop_path(conv1x1_{4C' -> C'}(h))
"""

from __future__ import annotations

import math

from lucid import nn
from lucid.nn import functional as F

__all__ = ["SamePadConv2d", "Downsample2d", "BatchNormAct2d", "MbConvBlock", "Stem",
           "conv_init_"]


def _same_pad(size: int, k: int, s: int) -> tuple[int, int]:
    total = max((math.ceil(size / s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class SamePadConv2d(nn.Conv2d):
    """``Conv2d`` with TensorFlow ``same`` padding computed from the input size."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        (top, bottom), (left, right) = _same_pad(x.shape[2], k, s), _same_pad(x.shape[3], k, s)
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def conv2d(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, bias: bool = True,
           same: bool = False) -> nn.Conv2d:
    """A ``k x k`` convolution with symmetric ``k // 2`` padding, or TF ``same`` padding
    where it is not symmetric (stride > 1)."""
    if same and stride > 1:
        return SamePadConv2d(cin, cout, k, stride=stride, groups=groups, bias=bias)
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=bias)


class BatchNormAct2d(nn.BatchNorm2d):
    """``act(BN(x))`` with the batch norm's own parameter names (timm's ``BatchNormAct2d``)."""

    def __init__(self, channels: int, eps: float = 1e-5, act_layer=None) -> None:
        super().__init__(channels, eps=eps)
        self.act = act_layer() if act_layer is not None else nn.Identity()

    def forward(self, x):
        return self.act(super().forward(x))


class Downsample2d(nn.Module):
    """``avgpool2x2`` (stride 2; none at stride 1), then a ``conv1x1`` when the width
    changes (``expand``)."""

    def __init__(self, dim: int, dim_out: int, bias: bool = True, stride: int = 2) -> None:
        super().__init__()
        self.pool = nn.AvgPool2d(2, 2) if stride == 2 else nn.Identity()
        self.expand = nn.Conv2d(dim, dim_out, 1, bias=bias) if dim != dim_out else nn.Identity()

    def forward(self, x):
        return self.expand(self.pool(x))


class MbConvBlock(nn.Module):
    """Pre-norm MBConv (names ``shortcut``, ``pre_norm``, ``conv1_1x1``, ``norm1``,
    ``conv2_kxk``, ``norm2``, ``se``, ``conv3_1x1``)."""

    def __init__(self, in_chs: int, out_chs: int, stride: int, act_layer, eps: float,
                 same: bool, drop_path: float = 0.0) -> None:
        super().__init__()
        mid = 4 * out_chs
        self.shortcut = Downsample2d(in_chs, out_chs) if stride == 2 else nn.Identity()
        self.pre_norm = BatchNormAct2d(in_chs, eps)
        self.conv1_1x1 = nn.Conv2d(in_chs, mid, 1, bias=False)
        self.norm1 = BatchNormAct2d(mid, eps, act_layer)
        self.conv2_kxk = conv2d(mid, mid, 3, stride, groups=mid, bias=False, same=same)
        self.norm2 = BatchNormAct2d(mid, eps, act_layer)
        self.se = nn.SEModule(mid, reduced_channels=out_chs // 4, activation=nn.SiLU)
        self.conv3_1x1 = nn.Conv2d(mid, out_chs, 1)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        shortcut = self.shortcut(x)
        h = self.norm1(self.conv1_1x1(self.pre_norm(x)))
        h = self.se(self.norm2(self.conv2_kxk(h)))
        return self.drop_path(self.conv3_1x1(h)) + shortcut


class Stem(nn.Module):
    """``conv3x3 s2 -> BN -> act -> conv3x3`` (``conv1``, ``norm1``, ``conv2``)."""

    def __init__(self, in_chs: int, width: int, act_layer, eps: float, bias: bool,
                 same: bool) -> None:
        super().__init__()
        self.conv1 = conv2d(in_chs, width, 3, 2, bias=bias, same=same)
        self.norm1 = BatchNormAct2d(width, eps, act_layer)
        self.conv2 = conv2d(width, width, 3, 1, bias=bias, same=same)

    def forward(self, x):
        return self.conv2(self.norm1(self.conv1(x)))


def conv_init_(module: nn.Module) -> None:
    """timm's MaxxVit convolution init: ``normal(0, sqrt(2 / fan_out))``,
    ``fan_out = k^2 C_out / groups``; biases 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_out))
            if m.bias is not None:
                nn.init.zeros_(m.bias)
