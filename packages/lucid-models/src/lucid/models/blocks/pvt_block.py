"""The Pyramid Vision Transformer encoder block (Wang et al., PVT v1 ICCV 2021 and v2 CVMJ
2022), on tokens ``(N, H W, C)`` of an ``H x W`` map::

    x = x + drop_path(SRA(LN(x)))                  spatial-reduction attention
    x = x + drop_path(MLP(LN(x)))

v1's MLP is the plain ``fc1 -> GELU -> fc2``; v2's (``conv_mlp=True``) puts a 3x3 depthwise
convolution on the hidden map: ``fc2(GELU(DWConv(fc1(x))))`` (``ReLU`` after ``fc1`` in the
linear ``-li`` variant). LayerNorm eps 1e-6. Names follow timm's ``pvt_v2.Block``.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.spatial_reduction_attention import SpatialReductionAttention

__all__ = ["PVTBlock", "DepthwiseConvMlp"]


class DepthwiseConvMlp(nn.Module):
    """PVT v2's feed-forward: ``fc1 -> (ReLU) -> DWConv3x3 -> GELU -> fc2``."""

    def __init__(self, dim: int, hidden: int, drop: float = 0.0, extra_relu: bool = False) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.relu = nn.ReLU() if extra_relu else nn.Identity()
        self.dwconv = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x, size: tuple[int, int]):
        n, length, _ = x.shape
        x = self.relu(self.fc1(x))
        x = self.dwconv(x.permute(0, 2, 1).reshape(n, -1, *size)).flatten(2).permute(0, 2, 1)
        return self.drop(self.fc2(self.drop(self.act(x))))


class PVTBlock(nn.Module):
    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, sr_ratio: int = 1,
                 qkv_bias: bool = True, drop: float = 0.0, attn_drop: float = 0.0,
                 drop_path: float = 0.0, linear: bool = False, conv_mlp: bool = True) -> None:
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = SpatialReductionAttention(dim, num_heads, sr_ratio, qkv_bias, attn_drop, drop,
                                              linear)
        self.drop_path1 = nn.DropPath(drop_path)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.conv_mlp = conv_mlp
        self.mlp = DepthwiseConvMlp(dim, hidden, drop, linear) if conv_mlp else \
            Mlp(dim, hidden, drop=drop)
        self.drop_path2 = nn.DropPath(drop_path)

    def forward(self, x, size: tuple[int, int]):
        x = x + self.drop_path1(self.attn(self.norm1(x), size))
        h = self.norm2(x)
        return x + self.drop_path2(self.mlp(h, size) if self.conv_mlp else self.mlp(h))
