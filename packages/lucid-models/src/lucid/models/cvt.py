"""CvT (Wu et al., "CvT: Introducing Convolutions to Vision Transformers", ICCV 2021), the
paper's architecture (no timm/torchvision model exists; names follow the authors' code).

Three stages. Each starts with a convolutional token embedding (``Conv2d`` kernel 7 stride 4
padding 2, then kernel 3 stride 2 padding 1; LayerNorm over channels), then pre-norm blocks
whose attention projects queries, keys and values by *convolutional projections*::

    P_s(x) = BN(DWConv3x3_{stride s}(x)) -> tokens        s = 1 for q, 2 for k and v
    q, k, v = proj_q(P_1(x)), proj_k(P_2(x)), proj_v(P_2(x))
    y = proj(MHSA(q, k, v));  x = x + DP(y);  x = x + DP(MLP(LN(x)))     MLP ratio 4

The last stage puts a class token in front (not convolved: it joins q, k and v after the
projection convolutions); the classifier reads it after a final LayerNorm. The attention is
:func:`lucid.nn.functional.scaled_dot_product_attention`. Initialisation (authors' code):
linear layers and the class token ``trunc_normal(0.02)``, biases 0.

Variants (widths; heads; depths) and parameters with 1000 classes (paper Table 2: 20M,
32M, 277M): CvT-13 (64-192-384; 1-3-6; 1-2-10) 19,997,480; CvT-21 (same; 1-4-16)
31,622,696; CvT-W24 (192-768-1024; 3-12-16; 2-2-20) 277,196,392.
"""

from __future__ import annotations

from collections.abc import Sequence

import lucid
from lucid import nn
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.vit_attention import merge_heads, split_heads
from lucid.models.registry import register_model
from lucid.nn import functional as F
from lucid.weights.api import load_weights_into

__all__ = ["CvT", "cvt_13", "cvt_21", "cvt_w24"]


class ConvProjection(nn.Module):
    """``BN(DWConv3x3_{stride}(x))``, ``(N, C, H, W) -> (N, H' W', C)``."""

    def __init__(self, dim: int, stride: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(dim, dim, 3, stride=stride, padding=1, groups=dim, bias=False)
        self.bn = nn.BatchNorm2d(dim)

    def forward(self, x):
        return self.bn(self.conv(x)).flatten(2).permute(0, 2, 1)


class ConvAttention(nn.Module):
    """Multi-head attention with convolutional q/k/v projections on ``(N, [1 +] H W, C)``."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True, attn_drop: float = 0.0,
                 proj_drop: float = 0.0, kv_stride: int = 2) -> None:
        super().__init__()
        self.num_heads, self.attn_drop = num_heads, attn_drop
        self.conv_proj_q = ConvProjection(dim, 1)
        self.conv_proj_k = ConvProjection(dim, kv_stride)
        self.conv_proj_v = ConvProjection(dim, kv_stride)
        self.proj_q = nn.Linear(dim, dim, bias=qkv_bias)
        self.proj_k = nn.Linear(dim, dim, bias=qkv_bias)
        self.proj_v = nn.Linear(dim, dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x, size: tuple[int, int], cls_tokens: int):
        n, _, c = x.shape
        cls, tokens = x[:, :cls_tokens], x[:, cls_tokens:]
        grid = tokens.permute(0, 2, 1).reshape(n, c, *size)
        q, k, v = (conv(grid) for conv in (self.conv_proj_q, self.conv_proj_k, self.conv_proj_v))
        if cls_tokens:
            q, k, v = (lucid.cat([cls, t], axis=1) for t in (q, k, v))
        h = self.num_heads
        y = F.scaled_dot_product_attention(
            split_heads(self.proj_q(q), h), split_heads(self.proj_k(k), h),
            split_heads(self.proj_v(v), h), dropout_p=self.attn_drop if self.training else 0.0)
        return self.proj_drop(self.proj(merge_heads(y)))


class CvTBlock(nn.Module):
    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, qkv_bias: bool, drop: float,
                 attn_drop: float, drop_path: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = ConvAttention(dim, num_heads, qkv_bias, attn_drop, drop)
        self.drop_path = nn.DropPath(drop_path)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=drop)

    def forward(self, x, size, cls_tokens):
        x = x + self.drop_path(self.attn(self.norm1(x), size, cls_tokens))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class ConvEmbed(nn.Module):
    """``LN(Conv2d(x))`` -> ``(N, H' W', C)`` and ``(H', W')``."""

    def __init__(self, in_channels: int, dim: int, kernel: int, stride: int, padding: int):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, kernel, stride=stride, padding=padding)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        x = self.proj(x)
        size = tuple(x.shape[2:])
        return self.norm(x.flatten(2).permute(0, 2, 1)), size


class CvTStage(nn.Module):
    def __init__(self, in_channels: int, dim: int, depth: int, num_heads: int, first: bool,
                 cls_token: bool, mlp_ratio: float, qkv_bias: bool, drop: float,
                 attn_drop: float, drop_paths: Sequence[float]) -> None:
        super().__init__()
        self.patch_embed = ConvEmbed(in_channels, dim, 7 if first else 3, 4 if first else 2,
                                     2 if first else 1)
        self.cls_token = nn.Parameter(lucid.zeros(1, 1, dim)) if cls_token else None
        self.blocks = nn.ModuleList([CvTBlock(dim, num_heads, mlp_ratio, qkv_bias, drop,
                                              attn_drop, drop_paths[i]) for i in range(depth)])

    def forward(self, x):
        x, size = self.patch_embed(x)
        n, c = x.shape[0], x.shape[-1]
        extra = 0
        if self.cls_token is not None:
            x, extra = lucid.cat([self.cls_token.expand(n, -1, -1), x], axis=1), 1
        for block in self.blocks:
            x = block(x, size, extra)
        grid = x[:, extra:].permute(0, 2, 1).reshape(n, c, *size)
        return grid, (x[:, 0] if extra else None)


class CvT(nn.Module):
    """CvT classifier.

    Args:
        dims, num_heads, depths (per stage), mlp_ratio (4), num_classes (1000),
        in_channels (3), qkv_bias (True), drop_rate, attn_drop_rate, drop_path_rate
        (stochastic depth linear over all blocks).
    """

    def __init__(self, dims: Sequence[int] = (64, 192, 384), num_heads: Sequence[int] = (1, 3, 6),
                 depths: Sequence[int] = (1, 2, 10), mlp_ratio: float = 4.0,
                 num_classes: int = 1000, in_channels: int = 3, qkv_bias: bool = True,
                 drop_rate: float = 0.0, attn_drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0) -> None:
        super().__init__()
        total = sum(depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        stages, start, c_in = [], 0, in_channels
        for i, (dim, heads, depth) in enumerate(zip(dims, num_heads, depths)):
            stages.append(CvTStage(c_in, dim, depth, heads, i == 0, i == len(dims) - 1,
                                   mlp_ratio, qkv_bias, drop_rate, attn_drop_rate,
                                   rates[start:start + depth]))
            start, c_in = start + depth, dim
        self.stages = nn.ModuleList(stages)
        self.norm = nn.LayerNorm(dims[-1])
        self.head = nn.Linear(dims[-1], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.stages[-1].cls_token, std=0.02)

    def forward(self, x):
        for stage in self.stages:
            x, cls = stage(x)
        return self.head(self.norm(cls))


def _cvt(num_classes, weights, kwargs, **config) -> CvT:
    model = CvT(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def cvt_13(num_classes: int = 1000, weights=None, **kwargs) -> CvT:
    """CvT-13: 19,997,480 parameters with 1000 classes (paper 20M)."""
    return _cvt(num_classes, weights, kwargs, depths=(1, 2, 10))


@register_model
def cvt_21(num_classes: int = 1000, weights=None, **kwargs) -> CvT:
    """CvT-21: 31,622,696 parameters with 1000 classes (paper 32M)."""
    return _cvt(num_classes, weights, kwargs, depths=(1, 4, 16))


@register_model
def cvt_w24(num_classes: int = 1000, weights=None, **kwargs) -> CvT:
    """CvT-W24: 277,196,392 parameters with 1000 classes (paper 277M)."""
    return _cvt(num_classes, weights, kwargs, dims=(192, 768, 1024), num_heads=(3, 12, 16),
                depths=(2, 2, 20))
