"""``SeparableConvBN``: EfficientDet's convolution unit,
``BN(pointwise_{1x1, bias}(depthwise_{3x3}(x)))`` (the depthwise convolution has no bias).
BiFPN nodes and the prediction heads use it; the batch norm can be left out (the heads'
output layers)."""

from __future__ import annotations

from lucid import nn

__all__ = ["SeparableConvBN"]


class SeparableConvBN(nn.Module):
    """Depthwise 3x3 (padding 1, no bias) + pointwise 1x1 (bias) + optional batch norm
    (``eps=1e-3, momentum=0.01``, the TF defaults of the official weights)."""

    def __init__(self, in_channels: int, out_channels: int, norm: bool = True) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, padding=1,
                                   groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-3, momentum=0.01) if norm \
            else nn.Identity()

    def forward(self, x):
        return self.bn(self.pointwise(self.depthwise(x)))
