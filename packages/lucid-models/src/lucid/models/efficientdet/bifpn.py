"""The bidirectional feature pyramid (BiFPN) of EfficientDet (Tan, Pang & Le,
"EfficientDet: Scalable and Efficient Object Detection", CVPR 2020).

One BiFPN layer over levels ``P3..P7`` (width ``W``): a top-down pass then a bottom-up
pass, each node a *fast normalised fusion* of its inputs followed by Swish and a separable
convolution + BN::

    P_l^td  = conv(swish((w1 P_l + w2 up(P_{l+1}^td)) / (w1 + w2 + eps)))          l = 6..4
    P_3^out = conv(swish((w1 P_3 + w2 up(P_4^td)) / (w1 + w2 + eps)))
    P_l^out = conv(swish((w1 P_l + w2 P_l^td + w3 down(P_{l-1}^out)) / (sum w + eps)))  l = 4..6
    P_7^out = conv(swish((w1 P_7 + w2 down(P_6^out)) / (w1 + w2 + eps)))

with ``w = relu(learned weights)``, ``eps = 1e-4``, ``up`` nearest x2 and ``down`` a 3x3/2
max-pool. In the first layer the backbone's ``C3..C5`` are brought to ``W`` channels by
1x1 conv + BN (separately for the top-down and bottom-up nodes of ``P4``/``P5``, as in the
official implementation) and ``P6 = maxpool(BN(conv1x1(C5)))``, ``P7 = maxpool(P6)``.
"""

from __future__ import annotations

import lucid
import lucid.nn.functional as F
from lucid import nn
from lucid.models.efficientdet.separable_conv import SeparableConvBN

__all__ = ["BiFPNLayer"]


def _project(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 1),
                         nn.BatchNorm2d(out_channels, eps=1e-3, momentum=0.01))


def _up(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h, 1, w, 1).expand(n, c, h, 2, w, 2).reshape(n, c, 2 * h, 2 * w)


def _down(x):
    return F.max_pool2d(x, 3, stride=2, padding=1)


class _Fusion(nn.Module):
    """``conv(swish(sum_i relu(w_i) x_i / (sum_i relu(w_i) + eps)))``."""

    def __init__(self, inputs: int, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(lucid.ones(inputs))
        self.conv = SeparableConvBN(channels, channels)

    def forward(self, *xs):
        w = self.weight.relu()
        w = w / (w.sum() + 1e-4)
        fused = xs[0] * w[0]
        for i, x in enumerate(xs[1:], 1):
            fused = fused + x * w[i]
        return self.conv(F.silu(fused))


class BiFPNLayer(nn.Module):
    """One BiFPN layer on five levels; ``in_channels`` (C3, C4, C5) for the first layer."""

    def __init__(self, channels: int, in_channels=None) -> None:
        super().__init__()
        self.first = in_channels is not None
        if self.first:
            c3, c4, c5 = in_channels
            self.p3_in = _project(c3, channels)
            self.p4_in_td, self.p4_in_out = _project(c4, channels), _project(c4, channels)
            self.p5_in_td, self.p5_in_out = _project(c5, channels), _project(c5, channels)
            self.p6_in = _project(c5, channels)
        self.td = nn.ModuleList([_Fusion(2, channels) for _ in range(4)])   # P6, P5, P4, P3
        self.out = nn.ModuleList([_Fusion(3, channels) for _ in range(3)] +  # P4, P5, P6
                                 [_Fusion(2, channels)])                     # P7

    def forward(self, feats):
        if self.first:
            c3, c4, c5 = feats
            p6 = _down(self.p6_in(c5))
            p7 = _down(p6)
            lat = [self.p3_in(c3), self.p4_in_td(c4), self.p5_in_td(c5), p6, p7]
            keep = [None, self.p4_in_out(c4), self.p5_in_out(c5), p6, p7]
        else:
            lat = list(feats)
            keep = lat
        td = [None] * 5
        td[4] = lat[4]
        for k, level in enumerate((3, 2, 1, 0)):
            td[level] = self.td[k](lat[level], _up(td[level + 1]))
        out = [td[0]]
        for k, level in enumerate((1, 2, 3)):
            out.append(self.out[k](keep[level], td[level], _down(out[-1])))
        out.append(self.out[3](keep[4], _down(out[-1])))
        return out
