"""``InceptionReductionA``: the 35x35 -> 17x17 grid reduction of Inception-v4 and
Inception-ResNet.

Szegedy et al. 2016 (arXiv:1602.07261), Figure 7 and Table 1. Three parallel branches on
the same input, concatenated on channels (output ``n + m + in_channels``)::

    branch0 = conv3x3_{s2}(x) -> n
    branch1 = conv3x3_{s2}(conv3x3(conv1x1(x) -> k) -> l) -> m
    branch2 = maxpool3x3_{s2}(x)

Table 1's filter counts ``(k, l, m, n)``: Inception-v4 (192, 224, 256, 384),
Inception-ResNet-v1 (192, 192, 256, 384), Inception-ResNet-v2 (256, 256, 384, 384) (timm's
``Mixed_6a``). Submodule names follow timm (``branch0``, ``branch1.0-2``, ``branch2``).
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.blocks.inception_conv import inception_conv

__all__ = ["InceptionReductionA"]


class InceptionReductionA(nn.Module):
    """Inception Reduction-A with filter counts ``(k, l, m, n)`` (Table 1 of the paper)."""

    def __init__(self, in_channels: int, k: int, l: int, m: int, n: int) -> None:  # noqa: E741
        super().__init__()
        self.branch0 = inception_conv(in_channels, n, 3, stride=2)
        self.branch1 = nn.Sequential(inception_conv(in_channels, k, 1),
                                     inception_conv(k, l, 3, padding=1),
                                     inception_conv(l, m, 3, stride=2))
        self.branch2 = nn.MaxPool2d(3, stride=2)
        self.out_channels = n + m + in_channels

    def forward(self, x):
        return lucid.concatenate([self.branch0(x), self.branch1(x), self.branch2(x)], axis=1)
