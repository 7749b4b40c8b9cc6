"""``Attention``: multi-head self-attention over a token sequence (Vaswani et al. 2017),
the one used by ViT and CrossViT blocks::

    q, k, v = split(qkv(x))                       (N, heads, L, C/heads) each
    y = proj(softmax(q k^T / sqrt(C/heads)) v)    heads concatenated back to C

The attention itself is :func:`lucid.nn.functional.scaled_dot_product_attention` (the fused
kernel of the backend where it has one). Names ``qkv``/``proj`` follow timm's ``Attention``.
"""

from __future__ import annotations

from lucid import nn
from lucid.errors import ShapeError
from lucid.nn import functional as F

__all__ = ["Attention", "split_heads", "merge_heads"]


def split_heads(x, heads: int):
    """``(N, L, C) -> (N, heads, L, C/heads)``."""
    n, length, c = x.shape
    return x.reshape(n, length, heads, c // heads).permute(0, 2, 1, 3)


def merge_heads(x):
    """``(N, heads, L, d) -> (N, L, heads * d)``."""
    n, h, length, d = x.shape
    return x.permute(0, 2, 1, 3).reshape(n, length, h * d)


class Attention(nn.Module):
    def __init__(self, dim: int, num_heads: int = 8, qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"Attention: dim {dim} is not divisible by num_heads {num_heads}")
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        if x.ndim != 3 or x.shape[-1] * 3 != self.qkv.out_features:
            raise ShapeError(f"Attention: expected (N, L, {self.qkv.out_features // 3}), got "
                             f"{tuple(x.shape)}")
        n, length, c = x.shape
        qkv = self.qkv(x).reshape(n, length, 3, self.num_heads, c // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        y = F.scaled_dot_product_attention(
            q, k, v, dropout_p=self.attn_drop if self.training else 0.0)
        return self.proj_drop(self.proj(merge_heads(y)))
