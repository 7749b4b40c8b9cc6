"""``TransformerBlock``: the pre-norm encoder block of ViT (Dosovitskiy et al. 2021), also
used by CrossViT's branches::

    x = x + drop_path(attn(norm1(x)))
    x = x + drop_path(mlp(norm2(x)))              mlp: C -> mlp_ratio * C -> C, GELU

Names (``norm1``, ``attn``, ``norm2``, ``mlp``) follow timm's ``Block``; LayerNorm ``eps``
is 1e-6 as in ViT.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.vit_attention import Attention

__all__ = ["TransformerBlock"]


class TransformerBlock(nn.Module):
    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = True,
                 drop: float = 0.0, attn_drop: float = 0.0, drop_path: float = 0.0,
                 eps: float = 1e-6) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads, qkv_bias, attn_drop, drop)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=drop)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))
