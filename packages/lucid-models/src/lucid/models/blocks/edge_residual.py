"""The edge residual / fused inverted bottleneck in timm's layout (``EdgeResidual``:
``conv_exp``, ``bn1``, ``conv_pwl``, ``bn2``), the first block of MobileNetV4-Medium/Large
and the hybrids::

    h = act(BN(conv_{k x k, stride, C -> E}(x)))     E = make_divisible(C * ratio, 8)
    y = BN(conv1x1_{E -> C'}(h))
    y = x + drop_path(y)                             when stride = 1 and C = C'

The same computation as :class:`~lucid.models.blocks.FusedMBConv`, whose children follow
torchvision's EfficientNetV2 (``block.0``/``block.1``); the two layouts differ only in names,
which is what lets each family load its reference's checkpoints.
"""

from __future__ import annotations

from lucid import nn

__all__ = ["EdgeResidual"]


class EdgeResidual(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int,
                 expand_ratio: float, activation: type[nn.Module] = nn.ReLU,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        mid = nn.utils.make_divisible(in_channels * expand_ratio)
        self.has_skip = stride == 1 and in_channels == out_channels
        self.conv_exp = nn.Conv2d(in_channels, mid, kernel_size, stride=stride,
                                  padding=(kernel_size - 1) // 2, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.act = activation()
        self.conv_pwl = nn.Conv2d(mid, out_channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        y = self.bn2(self.conv_pwl(self.act(self.bn1(self.conv_exp(x)))))
        return x + self.drop_path(y) if self.has_skip else y
