"""Convolution, batch norm and an activation as one layer: ``ConvBNReLU1d/2d/3d``.

``y = act(bn(conv(x)))`` with ``act = ReLU`` by default. The submodules are named ``conv``,
``bn`` and ``relu`` (the original Lucid's names, and timm's ``ConvNormAct`` keys ``conv.*``,
``bn.*``), so state dicts of either load by name. ``activation=None`` leaves out the
activation (a conv-bn pair), any other module class replaces ReLU.
"""

from __future__ import annotations

from lucid.nn.activation import ReLU
from lucid.nn.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from lucid.nn.conv import Conv1d, Conv2d, Conv3d
from lucid.nn.linear import Identity
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["ConvBNReLU1d", "ConvBNReLU2d", "ConvBNReLU3d"]


class _ConvBNReLUNd(Module):
    """``act(bn(conv(x)))`` for one spatial rank (set by the subclass's ``_conv``/``_bn``).

    Args:
        in_channels, out_channels, kernel_size, stride (1), padding (0, an int, tuple,
            ``"same"`` or ``"valid"``), dilation (1), groups (1): as ``ConvNd``.
        conv_bias: give the convolution a bias (default True, as the original Lucid;
            a bias before batch norm is redundant, pass False to match torchvision/timm).
        eps (1e-5), momentum (0.1), bn_affine (True), track_running_stats (True): the
            batch norm's options.
        activation: a module class built with no arguments (default ``ReLU``) or None.
    """

    _conv: type[Module]
    _bn: type[Module]

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, groups: int = 1, conv_bias: bool = True,
                 eps: float = 1e-5, momentum: float | None = 0.1, bn_affine: bool = True,
                 track_running_stats: bool = True, activation: type[Module] | None = ReLU,
                 ) -> None:
        super().__init__()
        self.conv = self._conv(in_channels, out_channels, kernel_size, stride=stride,
                               padding=padding, dilation=dilation, groups=groups,
                               bias=conv_bias)
        self.bn = self._bn(out_channels, eps=eps, momentum=momentum, affine=bn_affine,
                           track_running_stats=track_running_stats)
        self.relu = activation() if activation is not None else Identity()

    def forward(self, input: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(input)))


class ConvBNReLU1d(_ConvBNReLUNd):
    """``act(BatchNorm1d(Conv1d(x)))`` on ``(N, C, L)``.

    >>> ConvBNReLU1d(4, 8, 3, padding=1)(lucid.randn(2, 4, 10)).shape
    (2, 8, 10)
    """

    _conv, _bn = Conv1d, BatchNorm1d


class ConvBNReLU2d(_ConvBNReLUNd):
    """``act(BatchNorm2d(Conv2d(x)))`` on ``(N, C, H, W)``.

    >>> ConvBNReLU2d(3, 16, 3, stride=2, padding=1)(lucid.randn(1, 3, 8, 8)).shape
    (1, 16, 4, 4)
    """

    _conv, _bn = Conv2d, BatchNorm2d


class ConvBNReLU3d(_ConvBNReLUNd):
    """``act(BatchNorm3d(Conv3d(x)))`` on ``(N, C, D, H, W)``."""

    _conv, _bn = Conv3d, BatchNorm3d
