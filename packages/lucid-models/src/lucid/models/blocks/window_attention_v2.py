"""Swin V2 window attention (Liu et al., "Swin Transformer V2: Scaling Up Capacity and
Resolution", CVPR 2022): scaled cosine attention with a continuous relative position bias::

    sim(q_i, k_j) = cos(q_i, k_j) * exp(min(tau, log 100)) + B_ij
    B = 16 sigmoid(cpb_mlp(log_spaced_coords)[index])        (heads, L, L)

``tau`` (``logit_scale``, per head) starts at ``log 10``; ``cpb_mlp`` is
``Linear(2, 512) -> ReLU -> Linear(512, heads, bias=False)``; the query and value projections
have biases (``q_bias``, ``v_bias``), the key projection has none. The attention itself is
:func:`lucid.nn.functional.scaled_dot_product_attention` with ``scale=1`` on the normalised
queries (times the head's logit scale) and keys, ``B + mask`` its float mask. Names follow
timm's ``WindowAttention`` of ``swin_transformer_v2``.
"""

from __future__ import annotations

import math

import lucid
from lucid import nn
from lucid.models.blocks.relative_position import log_spaced_coords, relative_position_index
from lucid.nn import functional as F

__all__ = ["WindowAttentionV2"]


class WindowAttentionV2(nn.Module):
    def __init__(self, dim: int, num_heads: int, window: tuple[int, int], qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0,
                 pretrained_window: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.logit_scale = nn.Parameter(lucid.full((num_heads, 1, 1), math.log(10.0)))
        if qkv_bias:
            self.q_bias = nn.Parameter(lucid.zeros(dim))
            self.v_bias = nn.Parameter(lucid.zeros(dim))
        else:
            self.q_bias = self.v_bias = None
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512), nn.ReLU(),
                                     nn.Linear(512, num_heads, bias=False))
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self._coords = log_spaced_coords(*window, pretrained_window).reshape(-1, 2)
        self._index = relative_position_index(*window).reshape(-1)

    def position_bias(self):
        """``16 sigmoid(B)``, ``(heads, L, L)``."""
        length = int(math.isqrt(self._index.shape[0]))
        table = self.cpb_mlp(lucid.tensor(self._coords, device=self.logit_scale.device))
        bias = table[self._index].reshape(length, length, -1).permute(2, 0, 1)
        return 16.0 * lucid.sigmoid(bias)

    def forward(self, x, mask=None):
        n, nw, length, c = x.shape
        heads = self.num_heads
        bias = None
        if self.q_bias is not None:
            bias = lucid.cat([self.q_bias, lucid.zeros_like(self.v_bias), self.v_bias])
        qkv = F.linear(x, self.qkv.weight, bias).reshape(n, nw, length, 3, heads, c // heads)
        q, k, v = qkv.permute(3, 0, 1, 4, 2, 5).unbind(0)     # (N, nW, heads, L, d)
        scale = lucid.exp(lucid.clamp(self.logit_scale, max=math.log(100.0)))
        q = F.normalize(q, dim=-1) * scale
        k = F.normalize(k, dim=-1)
        attn_bias = self.position_bias()
        if mask is not None:
            attn_bias = attn_bias + mask.reshape(nw, 1, length, length)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=attn_bias, scale=1.0,
            dropout_p=self.attn_drop if self.training else 0.0)
        y = y.permute(0, 1, 3, 2, 4).reshape(n, nw, length, c)
        return self.proj_drop(self.proj(y))
