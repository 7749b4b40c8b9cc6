"""The residual blocks of ResNet (He et al., 2016) and its bottleneck variants, with
torchvision's / timm's layer names.

Every block ends the same way (:class:`ResidualBlock`)::

    y = relu(drop_path(se(branch(x))) + shortcut(x))

``shortcut`` is the identity, or ``downsample`` (built by the network) when the shape
changes; ``se`` is an optional channel attention (squeeze-excitation for SE-ResNet, stored
as ``se``, timm's key); ``drop_path`` is stochastic depth (no parameters).

Basic block (ResNet-18/34), expansion 1::

    branch(x) = bn2(conv2(relu(bn1(conv1(x)))))                 3x3 (strided), 3x3

Bottleneck (ResNet-50 and deeper, ResNeXt, Wide ResNet), expansion 4, stride on the 3x3
convolution (v1.5), ``width = floor(planes * base_width / 64) * groups``::

    branch(x) = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))  1x1, 3x3 (groups), 1x1

ResNeXt-50 32x4d is ``groups=32, base_width=4``; Wide ResNet-50-2 is ``base_width=128``.
"""

from __future__ import annotations

from collections.abc import Callable

from lucid import nn

__all__ = ["ResidualBlock", "BasicBlock", "Bottleneck", "conv3x3", "conv1x1"]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, 3, stride=stride, padding=1, groups=groups,
                     bias=False)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False)


class ResidualBlock(nn.Module):
    """The shared tail ``relu(drop_path(se(branch(x))) + shortcut(x))``.

    Subclasses build their layers, call :meth:`_init_tail`, and implement ``branch`` and
    ``last_bn`` (the batch norm ``zero_init_residual`` zeroes).
    """

    expansion = 1

    def _init_tail(self, out_channels: int, downsample, attn: Callable | None,
                   drop_path: float) -> None:
        self.se = attn(out_channels) if attn is not None else None
        self.relu = nn.ReLU()
        self.downsample = downsample
        self.drop_path = nn.DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def branch(self, x):
        raise NotImplementedError

    def last_bn(self) -> nn.Module:
        raise NotImplementedError

    def forward(self, x):
        out = self.branch(x)
        if self.se is not None:
            out = self.se(out)
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(self.drop_path(out) + shortcut)


class BasicBlock(ResidualBlock):
    """Two 3x3 convolutions with batch norm and a residual connection.

    Args:
        inplanes, planes: input and output channels. stride: of conv1.
        downsample: the shortcut module (or None for the identity).
        groups, base_width: must be 1 and 64 (the basic block has no bottleneck width).
        attn: ``channels -> Module`` applied to the branch output (e.g. squeeze-excitation).
        drop_path: stochastic-depth rate of the branch.
    """

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None,
                 groups: int = 1, base_width: int = 64, attn: Callable | None = None,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        if groups != 1 or base_width != 64:
            raise ValueError(f"BasicBlock: only groups=1 and base_width=64 are supported, got "
                             f"groups={groups}, base_width={base_width}")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self._init_tail(planes, downsample, attn, drop_path)

    def branch(self, x):
        return self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))

    def last_bn(self) -> nn.Module:
        return self.bn2


class Bottleneck(ResidualBlock):
    """1x1 reduce to ``width``, 3x3 (strided, grouped), 1x1 expand to ``4 * planes``.

    Args: as :class:`BasicBlock`, with ``groups`` (cardinality) and ``base_width`` setting
    ``width = floor(planes * base_width / 64) * groups``.
    """

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None,
                 groups: int = 1, base_width: int = 64, attn: Callable | None = None,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self._init_tail(planes * self.expansion, downsample, attn, drop_path)

    def branch(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))

    def last_bn(self) -> nn.Module:
        return self.bn3
