"""EfficientDet's class and box prediction networks, shared across the levels P3..P7.

Each is ``depth`` separable convolutions (weights shared by all levels, a batch norm per
level) with Swish, then a separable output convolution (with bias, no norm) to
``A C`` class logits or ``A 4`` box offsets per location (``A = 9`` anchors). The class
output's bias starts at ``-log((1 - pi) / pi)``, ``pi = 0.01`` (the focal-loss prior).
Outputs are flattened to ``(N, sum_l H_l W_l A, C)`` in (level, y, x, anchor) order.
"""

from __future__ import annotations

import math

import lucid
import lucid.nn.functional as F
from lucid import nn
from lucid.models.efficientdet.separable_conv import SeparableConvBN

__all__ = ["EfficientDetHead"]


class EfficientDetHead(nn.Module):
    """``outputs`` values per anchor (``num_classes`` or 4) for ``num_anchors`` anchors."""

    def __init__(self, channels: int, depth: int, num_anchors: int, outputs: int,
                 levels: int = 5, prior: float | None = None) -> None:
        super().__init__()
        self.outputs = outputs
        self.convs = nn.ModuleList([SeparableConvBN(channels, channels, norm=False)
                                    for _ in range(depth)])
        self.bns = nn.ModuleList([
            nn.ModuleList([nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)
                           for _ in range(depth)]) for _ in range(levels)])
        self.predict = SeparableConvBN(channels, num_anchors * outputs, norm=False)
        if prior is not None:
            nn.init.constant_(self.predict.pointwise.bias, -math.log((1 - prior) / prior))

    def forward(self, feats):
        outs = []
        for level, x in enumerate(feats):
            for conv, bn in zip(self.convs, self.bns[level]):
                x = F.silu(bn(conv(x)))
            y = self.predict(x)
            n, _, h, w = y.shape
            outs.append(y.permute(0, 2, 3, 1).reshape(n, -1, self.outputs))
        return lucid.concatenate(outs, axis=1)
