"""MobileNetV2's inverted residual (Sandler et al., "MobileNetV2: Inverted Residuals and
Linear Bottlenecks", CVPR 2018, Table 1)::

    h = ReLU6(BN(conv1x1_{C -> tC}(x)))            (left out when t = 1)
    h = ReLU6(BN(dwconv3x3_{stride}(h)))
    y = BN(conv1x1_{tC -> C'}(h))                  (linear bottleneck: no activation)
    y = y + x                                      when stride = 1 and C = C'

Children follow torchvision's ``InvertedResidual``: one ``Sequential`` called ``conv``
holding ``[expand ConvNormAct], depthwise ConvNormAct, 1x1 conv, batch norm``. MobileNetV3
and EfficientNet use :class:`~lucid.models.blocks.MBConv` (``block`` layout, optional SE).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.conv_norm_act import ConvNormAct

__all__ = ["InvertedResidual"]


class InvertedResidual(nn.Module):
    """MobileNetV2 block: expand by ``expand_ratio``, 3x3 depthwise, linear 1x1 projection.

    Args:
        in_channels, out_channels, stride (1 or 2), expand_ratio (t).
        activation: module class (default ``nn.ReLU6``).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, expand_ratio: float,
                 activation: type[nn.Module] = nn.ReLU6) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"InvertedResidual: stride must be 1 or 2, got {stride}")
        hidden = int(round(in_channels * expand_ratio))
        self.use_res_connect = stride == 1 and in_channels == out_channels
        layers = []
        if expand_ratio != 1:
            layers.append(ConvNormAct(in_channels, hidden, 1, activation=activation))
        layers += [ConvNormAct(hidden, hidden, 3, stride=stride, groups=hidden,
                               activation=activation),
                   nn.Conv2d(hidden, out_channels, 1, bias=False),
                   nn.BatchNorm2d(out_channels)]
        self.conv = nn.Sequential(*layers)
        self.out_channels = out_channels

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.use_res_connect else y
