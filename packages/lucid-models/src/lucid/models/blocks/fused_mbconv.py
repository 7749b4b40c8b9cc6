"""Fused-MBConv (Tan & Le, "EfficientNetV2: Smaller Models and Faster Training", ICML 2021,
Fig. 2): MBConv's expand 1x1 and depthwise k x k fused into one full k x k convolution::

    h = act(BN(conv_{k x k, stride, C -> E}(x)))
    y = BN(conv1x1_{E -> C'}(h))                   (when E != C; else y = h, activated)
    y = x + drop_path(y)                           when stride = 1 and C = C'

Children follow torchvision's ``FusedMBConv``: a ``Sequential`` ``block`` of
:class:`ConvNormAct` layers and a parameter-free ``stochastic_depth``. (EfficientNetV2 uses
no squeeze-excitation in its fused stages.)
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.conv_norm_act import ConvNormAct

__all__ = ["FusedMBConv"]


class FusedMBConv(nn.Module):
    """Full k x k expansion then 1x1 projection (or one k x k conv when E = C).

    Args:
        in_channels, expanded_channels (E), out_channels, kernel_size, stride.
        activation: module class (default ``nn.SiLU``).
        drop_path: stochastic-depth probability (0: none). bn_eps, bn_momentum.
    """

    def __init__(self, in_channels: int, expanded_channels: int, out_channels: int,
                 kernel_size: int, stride: int, activation: type[nn.Module] = nn.SiLU,
                 drop_path: float = 0.0, bn_eps: float = 1e-5, bn_momentum: float = 0.1) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"FusedMBConv: stride must be 1 or 2, got {stride}")
        bn = {"bn_eps": bn_eps, "bn_momentum": bn_momentum}
        self.use_res_connect = stride == 1 and in_channels == out_channels
        if expanded_channels != in_channels:
            layers = [ConvNormAct(in_channels, expanded_channels, kernel_size, stride=stride,
                                  activation=activation, **bn),
                      ConvNormAct(expanded_channels, out_channels, 1, activation=None, **bn)]
        else:
            layers = [ConvNormAct(in_channels, out_channels, kernel_size, stride=stride,
                                  activation=activation, **bn)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = nn.DropPath(drop_path)
        self.out_channels = out_channels

    def forward(self, x):
        y = self.block(x)
        return x + self.stochastic_depth(y) if self.use_res_connect else y
