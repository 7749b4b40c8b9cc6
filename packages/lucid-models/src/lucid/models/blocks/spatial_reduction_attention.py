"""Spatial-reduction attention (Wang et al., "Pyramid Vision Transformer", ICCV 2021; PVT v2,
CVMJ 2022): queries from every token of an ``H x W`` map, keys and values from a reduced map::

    SR(x) = LN(Conv2d_{k=s=R}(x))                  sr_ratio R > 1 (PVT v1/v2)
    SR(x) = GELU(LN(Conv2d_{1x1}(AvgPool_7x7(x)))) linear=True (PVT v2-li: linear cost)
    y = proj(softmax(q(x) k(SR(x))^T / sqrt(d)) v(SR(x)))   multi-head

The attention is :func:`lucid.nn.functional.scaled_dot_product_attention`. Names (``q``,
``kv``, ``proj``, ``sr``, ``norm``) follow timm's ``pvt_v2.Attention``; the reduction's
LayerNorm has eps 1e-5.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.vit_attention import merge_heads, split_heads
from lucid.nn import functional as F

__all__ = ["SpatialReductionAttention"]


class SpatialReductionAttention(nn.Module):
    def __init__(self, dim: int, num_heads: int = 8, sr_ratio: int = 1, qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0, linear: bool = False) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"SpatialReductionAttention: dim {dim} is not divisible by "
                             f"num_heads {num_heads}")
        self.num_heads, self.attn_drop, self.linear = num_heads, attn_drop, linear
        self.q = nn.Linear(dim, dim, bias=qkv_bias)
        self.kv = nn.Linear(dim, 2 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self.pool = nn.AdaptiveAvgPool2d(7) if linear else None
        if linear or sr_ratio > 1:
            k = 1 if linear else sr_ratio
            self.sr = nn.Conv2d(dim, dim, k, stride=k)
            self.norm = nn.LayerNorm(dim)
        else:
            self.sr = None
        self.act = nn.GELU() if linear else None

    def forward(self, x, size: tuple[int, int]):
        """``x`` ``(N, H W, C)`` tokens of an ``H x W`` map (``size``)."""
        n, length, c = x.shape
        q = split_heads(self.q(x), self.num_heads)
        if self.sr is not None:
            grid = x.permute(0, 2, 1).reshape(n, c, *size)
            if self.pool is not None:
                grid = self.pool(grid)
            x = self.norm(self.sr(grid).flatten(2).permute(0, 2, 1))
            if self.act is not None:
                x = self.act(x)
        k, v = self.kv(x).chunk(2, axis=-1)
        y = F.scaled_dot_product_attention(
            q, split_heads(k, self.num_heads), split_heads(v, self.num_heads),
            dropout_p=self.attn_drop if self.training else 0.0)
        return self.proj_drop(self.proj(merge_heads(y)))
