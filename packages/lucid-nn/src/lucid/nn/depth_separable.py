"""Depthwise-separable convolution: ``DepthSeparableConv1d/2d/3d`` (Xception, MobileNet).

``y = pointwise(depthwise(x))``: ``depthwise`` is a ``k``-sized convolution with
``groups = in_channels`` and ``in_channels * depth_multiplier`` outputs (each input channel
filtered on its own), ``pointwise`` a 1x1 convolution mixing channels to ``out_channels``.
Weights: ``C*m*k^d + C*m*out`` (plus biases) instead of ``C*out*k^d`` for a full
convolution. Submodule names ``depthwise``/``pointwise`` as the original Lucid's.
"""

from __future__ import annotations

from lucid.nn.conv import Conv1d, Conv2d, Conv3d
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["DepthSeparableConv1d", "DepthSeparableConv2d", "DepthSeparableConv3d"]


class _DepthSeparableConvNd(Module):
    """Depthwise then pointwise convolution of one spatial rank.

    Args:
        in_channels, out_channels, kernel_size: channels and the depthwise kernel.
        stride (1), padding (0), dilation (1): of the depthwise convolution.
        bias: biases on both convolutions (default True, as the original Lucid).
        depth_multiplier: depthwise outputs per input channel (default 1).
    """

    _conv: type[Module]

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, bias: bool = True, depth_multiplier: int = 1) -> None:
        super().__init__()
        if depth_multiplier < 1:
            raise ValueError(f"{type(self).__name__}: depth_multiplier must be >= 1, got "
                             f"{depth_multiplier}")
        mid = in_channels * depth_multiplier
        self.depthwise = self._conv(in_channels, mid, kernel_size, stride=stride,
                                    padding=padding, dilation=dilation, groups=in_channels,
                                    bias=bias)
        self.pointwise = self._conv(mid, out_channels, 1, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        return self.pointwise(self.depthwise(input))


class DepthSeparableConv1d(_DepthSeparableConvNd):
    """Depthwise-separable ``Conv1d`` on ``(N, C, L)``."""

    _conv = Conv1d


class DepthSeparableConv2d(_DepthSeparableConvNd):
    """Depthwise-separable ``Conv2d`` on ``(N, C, H, W)``.

    >>> DepthSeparableConv2d(8, 16, 3, padding=1)(lucid.randn(1, 8, 5, 5)).shape
    (1, 16, 5, 5)
    """

    _conv = Conv2d


class DepthSeparableConv3d(_DepthSeparableConvNd):
    """Depthwise-separable ``Conv3d`` on ``(N, C, D, H, W)``."""

    _conv = Conv3d
