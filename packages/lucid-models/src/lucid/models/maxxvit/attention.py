"""Attention pieces of MaxViT and CoAtNet (timm's ``maxxvit`` names). Every attention is
:func:`lucid.nn.functional.scaled_dot_product_attention` with the relative position bias as
its additive mask::

    Attn(X) = proj(softmax(q k^T / sqrt(32) + B) v)         heads of 32 channels

Relative position biases over a ``h x w`` window (``B[n, (i, j), (x, y)]``):

- ``RelPosBias`` (CoAtNet; Swin's): a table ``((2h-1)(2w-1), heads)`` read at
  ``blocks.relative_position_index`` (offsets ``i - x``, ``j - y``);
- ``RelPosBiasTf`` (the TF MaxViT checkpoints): a table ``(heads, 2h-1, 2w-1)`` read at
  ``(x - i + h - 1, y - j + w - 1)``.

MaxViT's partition attention (channels last ``(N, H, W, C)``)::

    block: windows of p x p neighbouring pixels      grid: a p x p grid of pixels H/p apart
    (the block partition is Swin's ``blocks.window_attention.window_partition``)
    x = x + drop_path(Attn(LN(x)) over each partition)
    x = x + drop_path(MLP(LN(x)))                    MLP: C -> 4C -> C

CoAtNet's ``TransformerBlock2d`` (NCHW, attention over the whole feature map)::

    x = shortcut(x) + drop_path(Attn(pool(LN(x))))   shortcut/pool: avgpool2x2 (+ conv1x1)
    x = x + drop_path(MLP(LN(x)))                     when the block downsamples
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.relative_position import relative_position_index
from lucid.models.blocks.window_attention import window_partition, window_reverse
from lucid.models.maxxvit.conv import Downsample2d
from lucid.nn import functional as F

__all__ = ["RelPosBias", "RelPosBiasTf", "AttentionCl", "Attention2d",
           "PartitionAttentionCl", "TransformerBlock2d", "transformer_init_"]


class RelPosBias(nn.Module):
    def __init__(self, window: tuple[int, int], num_heads: int) -> None:
        super().__init__()
        h, w = window
        self.relative_position_bias_table = nn.Parameter(
            lucid.zeros((2 * h - 1) * (2 * w - 1), num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        self._index = relative_position_index(h, w)

    def get_bias(self):
        """``(1, heads, hw, hw)``."""
        return self.relative_position_bias_table[self._index].permute(2, 0, 1).unsqueeze(0)


class RelPosBiasTf(nn.Module):
    def __init__(self, window: tuple[int, int], num_heads: int) -> None:
        super().__init__()
        h, w = window
        self.window = window
        self.relative_position_bias_table = nn.Parameter(lucid.zeros(num_heads, 2 * h - 1,
                                                                     2 * w - 1))
        nn.init.normal_(self.relative_position_bias_table, std=0.02)
        ih, iw = np.arange(h), np.arange(w)
        self._rows = (ih[None, :] - ih[:, None] + h - 1).reshape(h, 1, h, 1)   # [i, x]
        self._cols = (iw[None, :] - iw[:, None] + w - 1).reshape(1, w, 1, w)   # [j, y]

    def get_bias(self):
        h, w = self.window
        bias = self.relative_position_bias_table[:, self._rows, self._cols]   # (n, h, w, h, w)
        return bias.reshape(1, -1, h * w, h * w)


def _attend(q, k, v, rel_pos, drop: float):
    bias = rel_pos.get_bias() if rel_pos is not None else None
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=drop)


class AttentionCl(nn.Module):
    """Channels-last attention over ``(N, ..., C)`` tokens (``qkv``, ``rel_pos``,
    ``proj``). ``head_first``: the qkv channels are (head, q/k/v, d) instead of
    (q/k/v, head, d) (TF)."""

    def __init__(self, dim: int, dim_head: int = 32, head_first: bool = True,
                 rel_pos: nn.Module | None = None, attn_drop: float = 0.0,
                 proj_drop: float = 0.0) -> None:
        super().__init__()
        if dim % dim_head:
            raise ValueError(f"AttentionCl: dim {dim} is not divisible by dim_head {dim_head}")
        self.num_heads, self.dim_head, self.head_first = dim // dim_head, dim_head, head_first
        self.qkv = nn.Linear(dim, 3 * dim)
        self.rel_pos = rel_pos
        self.attn_drop = attn_drop
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        shape, n = x.shape, x.shape[0]
        h, d = self.num_heads, self.dim_head
        if self.head_first:
            qkv = self.qkv(x).reshape(n, -1, h, 3, d).permute(3, 0, 2, 1, 4)
        else:
            qkv = self.qkv(x).reshape(n, -1, 3, h, d).permute(2, 0, 3, 1, 4)
        y = _attend(qkv[0], qkv[1], qkv[2], self.rel_pos,
                    self.attn_drop if self.training else 0.0)
        y = y.permute(0, 2, 1, 3).reshape(*shape[:-1], h * d)
        return self.proj_drop(self.proj(y))


class Attention2d(nn.Module):
    """Attention over the pixels of ``(N, C, H, W)`` with 1x1-convolution ``qkv``/``proj``
    (heads first), output width ``dim_out``."""

    def __init__(self, dim: int, dim_out: int, dim_head: int = 32,
                 rel_pos: nn.Module | None = None, attn_drop: float = 0.0,
                 proj_drop: float = 0.0) -> None:
        super().__init__()
        self.num_heads, self.dim_head = dim_out // dim_head, dim_head
        self.qkv = nn.Conv2d(dim, 3 * dim_out, 1)
        self.rel_pos = rel_pos
        self.attn_drop = attn_drop
        self.proj = nn.Conv2d(dim_out, dim_out, 1)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        n, _, hh, ww = x.shape
        qkv = self.qkv(x).reshape(n, self.num_heads, 3, self.dim_head, hh * ww)
        q, k, v = (qkv[:, :, i].transpose(-1, -2) for i in range(3))
        y = _attend(q, k, v, self.rel_pos, self.attn_drop if self.training else 0.0)
        return self.proj_drop(self.proj(y.transpose(-1, -2).reshape(n, -1, hh, ww)))


def _partition(x, p: int, grid: bool):
    """``(N, H, W, C)`` -> ``(N * HW / p^2, p^2, C)`` partitions: windows of neighbouring
    pixels (``blocks.window_attention.window_partition``) or, for ``grid``, the pixels
    ``H / p`` apart."""
    n, hh, ww, c = x.shape
    if hh % p or ww % p:
        raise ShapeError(f"MaxViT partition: feature map {hh}x{ww} is not divisible by the "
                         f"partition size {p} (build the model with img_size = 32 * p * k)")
    if not grid:
        return window_partition(x, p, p).reshape(-1, p * p, c)
    x = x.reshape(n, p, hh // p, p, ww // p, c).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(-1, p * p, c)


def _unpartition(parts, p: int, grid: bool, hh: int, ww: int):
    c = parts.shape[-1]
    if not grid:
        return window_reverse(parts.reshape(-1, (hh // p) * (ww // p), p * p, c), p, p, hh, ww)
    x = parts.reshape(-1, hh // p, ww // p, p, p, c).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(-1, hh, ww, c)


class PartitionAttentionCl(nn.Module):
    """MaxViT's block (``grid=False``) or grid attention + MLP, channels last."""

    def __init__(self, dim: int, partition: int, grid: bool, act_layer, eps: float,
                 head_first: bool, tf_bias: bool, drop_path: float = 0.0) -> None:
        super().__init__()
        self.partition, self.grid = partition, grid
        heads = dim // 32
        rel = (RelPosBiasTf if tf_bias else RelPosBias)((partition, partition), heads)
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = AttentionCl(dim, 32, head_first, rel)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, 4 * dim, act_layer=act_layer)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        hh, ww = x.shape[1], x.shape[2]
        y = self.attn(_partition(self.norm1(x), self.partition, self.grid))
        x = x + self.drop_path(_unpartition(y, self.partition, self.grid, hh, ww))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class ConvMlp(nn.Module):
    """``fc2(act(fc1(x)))`` with 1x1 convolutions."""

    def __init__(self, dim: int, hidden: int, act_layer) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.act = act_layer()
        self.fc2 = nn.Conv2d(hidden, dim, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class TransformerBlock2d(nn.Module):
    """CoAtNet's relative-attention block over the whole ``feat x feat`` map."""

    def __init__(self, dim: int, dim_out: int, stride: int, feat: tuple[int, int], act_layer,
                 eps: float = 1e-6, drop_path: float = 0.0) -> None:
        super().__init__()
        if stride == 2:
            self.shortcut = Downsample2d(dim, dim_out)
            self.norm1 = nn.Sequential()
            self.norm1.add_module("norm", LayerNorm2d(dim, eps=eps))
            self.norm1.add_module("down", Downsample2d(dim, dim))
        else:  # stride 1; a width change (CoAtNet-6/7's split third stage) gets a 1x1 conv
            self.shortcut = Downsample2d(dim, dim_out, stride=1) if dim != dim_out \
                else nn.Identity()
            self.norm1 = LayerNorm2d(dim, eps=eps)
        self.attn = Attention2d(dim, dim_out, 32, RelPosBias(feat, dim_out // 32))
        self.norm2 = LayerNorm2d(dim_out, eps=eps)
        self.mlp = ConvMlp(dim_out, 4 * dim_out, act_layer)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        x = self.shortcut(x) + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def transformer_init_(module: nn.Module) -> None:
    """timm's MaxxVit transformer init: ``xavier_uniform`` weights of convolutions and
    linear layers, biases 0 (MLP biases ``N(0, 1e-6)``)."""
    for name, m in module.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                if "mlp" in name:
                    nn.init.normal_(m.bias, std=1e-6)
                else:
                    nn.init.zeros_(m.bias)
