"""Split attention (Zhang et al., "ResNeSt: Split-Attention Networks", 2020), the 3x3
convolution of ResNeSt's bottleneck, with timm's ``SplitAttn`` names (``conv``, ``bn0``,
``fc1``, ``bn1``, ``fc2``).

A grouped convolution produces ``R`` (radix) splits ``U_r`` of ``C`` channels each (``K``
cardinal groups inside each); their sum is pooled and squeezed into per-split weights::

    U = relu(bn0(conv(x)))                       (N, R*C, H, W), groups = K * R
    s = mean_{h,w} sum_r U_r                     (N, C, 1, 1)
    z = relu(bn1(fc1(s)))                        (N, d, 1, 1),   fc1 grouped by K
    a = rsoftmax(fc2(z))                         (N, R*C, 1, 1), fc2 grouped by K
    y = sum_r a_r * U_r                          (N, C, H, W)

``rsoftmax`` is a softmax over the ``R`` splits within each cardinal group (a sigmoid when
``R = 1``), and ``d = make_divisible(C_in * R / 4, 8)``, at least 32.
"""

from __future__ import annotations

import lucid
from lucid import nn

__all__ = ["SplitAttention", "radix_softmax"]


def radix_softmax(a, radix: int, cardinality: int):
    """Softmax over the ``radix`` splits of ``(N, K*R*C', 1, 1)`` logits stored group-major
    (fc2's grouped output), returned split-major ``(N, R, K*C', 1, 1)``; sigmoid if R = 1."""
    n = a.shape[0]
    if radix == 1:
        return lucid.sigmoid(a).reshape(n, 1, -1, 1, 1)
    a = a.reshape(n, cardinality, radix, -1).transpose(1, 2)
    return lucid.softmax(a, dim=1).reshape(n, radix, -1, 1, 1)


class SplitAttention(nn.Module):
    """Split-attention convolution ``(N, C_in, H, W) -> (N, C_out, H', W')``.

    Args:
        in_channels, out_channels: C_in, C_out (default C_in).
        kernel_size (3), stride (1), padding (kernel_size // 2), dilation (1).
        groups: cardinality K (default 1). radix: R splits (default 2).
        reduction_ratio: d = make_divisible(C_in * R * ratio, 8), at least 32 (ratio 0.25).
    """

    def __init__(self, in_channels: int, out_channels: int | None = None, kernel_size: int = 3,
                 stride: int = 1, padding: int | None = None, dilation: int = 1,
                 groups: int = 1, radix: int = 2, reduction_ratio: float = 0.25) -> None:
        super().__init__()
        if radix < 1:
            raise ValueError(f"SplitAttention: radix must be >= 1, got {radix}")
        out_channels = out_channels or in_channels
        self.radix, self.cardinality = radix, groups
        mid = out_channels * radix
        attn = nn.utils.make_divisible(in_channels * radix * reduction_ratio, 8, min_value=32)
        padding = kernel_size // 2 if padding is None else padding
        self.conv = nn.Conv2d(in_channels, mid, kernel_size, stride=stride, padding=padding,
                              dilation=dilation, groups=groups * radix, bias=False)
        self.bn0 = nn.BatchNorm2d(mid)
        self.fc1 = nn.Conv2d(out_channels, attn, 1, groups=groups)
        self.bn1 = nn.BatchNorm2d(attn)
        self.fc2 = nn.Conv2d(attn, mid, 1, groups=groups)
        self.relu = nn.ReLU()

    def forward(self, x):
        u = self.relu(self.bn0(self.conv(x)))
        n, rc, h, w = u.shape
        splits = u.reshape(n, self.radix, rc // self.radix, h, w)
        s = splits.sum(dim=1).mean(dim=(2, 3), keepdim=True)
        a = self.fc2(self.relu(self.bn1(self.fc1(s))))
        return (splits * radix_softmax(a, self.radix, self.cardinality)).sum(dim=1)
