"""CrossViT (Chen et al., "CrossViT: Cross-Attention Multi-Scale Vision Transformer for Image
Classification", ICCV 2021) with timm's ``CrossVit`` structure, names and initialisation.

Two ViT branches see the image at two patch sizes: the small branch (``patch_embed.0``,
12x12 patches of the 240x240 input) and the large branch (``patch_embed.1``, 16x16 patches of
the input resized bicubically to 224x224); each has its own class token and position
embeddings. Three multi-scale blocks follow; each runs ``1`` (small) and ``K`` (large)
ViT encoder blocks per branch, then fuses the branches by cross-attention of each class
token over the other branch's patch tokens::

    c' = f(CLS_a)                              projs: LN -> GELU -> Linear (a's dim -> b's)
    c'' = c' + CA(LN([c'; P_b]))               CA: q from the class token only, k, v all
    CLS_a <- g(c'')                            revert_projs: LN -> GELU -> Linear (b -> a)

The logits are the mean of the two branches' heads on their normalised class tokens. The
dagger variants replace each patch embedding by three convolutions (7x7 stride 4, ReLU,
3x3 stride 3 (small) or 2 (large), ReLU, 3x3 stride 1 (small) or 2 (large)).
Initialisation (timm): position embeddings and class tokens ``trunc_normal(0.02)``, linear
layers ``trunc_normal(0.02)`` with zero bias. LayerNorm eps 1e-6.

Variants (widths, heads, ViT blocks of the large branch per multi-scale block, MLP ratio)
and parameters with 1000 classes (timm ``crossvit_*_240``): tiny (96/192, 3, 4, 4)
7,014,800; small (192/384, 6, 4, 4) 26,856,272; base (384/768, 12, 4, 4) 105,025,232; 9
(128/256, 4, 3, 3) 8,553,296; 15 (192/384, 6, 5, 3) 27,528,464; 18 (224/448, 7, 6, 3)
43,271,408; 9_dagger 8,776,592; 15_dagger 28,209,008; 18_dagger 44,266,976.
"""

from __future__ import annotations

from collections.abc import Sequence

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.blocks.bicubic_resize import bicubic_resize
from lucid.models.blocks.transformer_block import TransformerBlock
from lucid.models.blocks.vit_attention import merge_heads, split_heads
from lucid.models.registry import register_model
from lucid.nn import functional as F
from lucid.weights.api import load_weights_into

__all__ = ["CrossViT", "crossvit_tiny", "crossvit_small", "crossvit_base", "crossvit_9",
           "crossvit_15", "crossvit_18", "crossvit_9_dagger", "crossvit_15_dagger",
           "crossvit_18_dagger"]


class _PatchEmbed(nn.Module):
    """``proj``: one strided convolution, or the dagger variants' three convolutions."""

    def __init__(self, patch: int, in_channels: int, dim: int, multi_conv: bool) -> None:
        super().__init__()
        if not multi_conv:
            self.proj = nn.Conv2d(in_channels, dim, patch, stride=patch)
        else:
            if patch not in (12, 16):
                raise ValueError(f"CrossViT: dagger embedding needs patch 12 or 16, got {patch}")
            s = 3 if patch == 12 else 2
            self.proj = nn.Sequential(
                nn.Conv2d(in_channels, dim // 4, 7, stride=4, padding=3), nn.ReLU(),
                nn.Conv2d(dim // 4, dim // 2, 3, stride=s, padding=0 if patch == 12 else 1),
                nn.ReLU(),
                nn.Conv2d(dim // 2, dim, 3, stride=1 if patch == 12 else 2, padding=1))

    def forward(self, x):
        return self.proj(x).flatten(2).permute(0, 2, 1)


class CrossAttention(nn.Module):
    """The class token (first token) attends over all tokens: ``(N, L, C) -> (N, 1, C)``."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True, attn_drop: float = 0.0,
                 proj_drop: float = 0.0) -> None:
        super().__init__()
        self.num_heads, self.attn_drop = num_heads, attn_drop
        self.wq = nn.Linear(dim, dim, bias=qkv_bias)
        self.wk = nn.Linear(dim, dim, bias=qkv_bias)
        self.wv = nn.Linear(dim, dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        h = self.num_heads
        y = F.scaled_dot_product_attention(
            split_heads(self.wq(x[:, :1]), h), split_heads(self.wk(x), h),
            split_heads(self.wv(x), h), dropout_p=self.attn_drop if self.training else 0.0)
        return self.proj_drop(self.proj(merge_heads(y)))


class CrossAttentionBlock(nn.Module):
    """``CLS + drop_path(CA(LN(x)))``: the updated class token ``(N, 1, C)``."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool, drop: float, attn_drop: float,
                 drop_path: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = CrossAttention(dim, num_heads, qkv_bias, attn_drop, drop)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        return x[:, :1] + self.drop_path(self.attn(self.norm1(x)))


def _projection(dim_in: int, dim_out: int):
    return nn.Sequential(nn.LayerNorm(dim_in, eps=1e-6), nn.GELU(), nn.Linear(dim_in, dim_out))


class MultiScaleBlock(nn.Module):
    """Per-branch ViT blocks, then class-token cross-attention fusion of the two branches."""

    def __init__(self, dims: Sequence[int], depths: Sequence[int], num_heads: Sequence[int],
                 mlp_ratios: Sequence[float], qkv_bias: bool, drop: float, attn_drop: float,
                 drop_paths: Sequence[float]) -> None:
        super().__init__()
        b = len(dims)
        self.blocks = nn.ModuleList([nn.Sequential(*[
            TransformerBlock(dims[d], num_heads[d], mlp_ratios[d], qkv_bias, drop, attn_drop,
                             drop_paths[i]) for i in range(depths[d])]) for d in range(b)])
        self.projs = nn.ModuleList([_projection(dims[d], dims[(d + 1) % b]) for d in range(b)])
        self.fusion = nn.ModuleList([
            CrossAttentionBlock(dims[(d + 1) % b], num_heads[(d + 1) % b], qkv_bias, drop,
                                attn_drop, drop_paths[-1]) for d in range(b)])
        self.revert_projs = nn.ModuleList([_projection(dims[(d + 1) % b], dims[d])
                                           for d in range(b)])

    def forward(self, xs):
        xs = [block(x) for block, x in zip(self.blocks, xs)]
        b, outs = len(xs), []
        for i in range(b):
            other = xs[(i + 1) % b]
            cls = self.projs[i](xs[i][:, :1])
            fused = self.fusion[i](lucid.cat([cls, other[:, 1:]], axis=1))
            outs.append(lucid.cat([self.revert_projs[i](fused), xs[i][:, 1:]], axis=1))
        return outs


class CrossViT(nn.Module):
    """CrossViT classifier (two branches).

    Args:
        img_size (240), img_scale ((1, 224/240): each branch's image size relative to the
        input), patch_size ((12, 16)), embed_dim, depth (per multi-scale block:
        (small, large, fusion=0)), num_heads, mlp_ratio (per branch, then an unused third
        entry as timm), multi_conv (dagger), num_classes (1000), in_channels (3), qkv_bias
        (True), drop_rate, attn_drop_rate, drop_path_rate.
    """

    def __init__(self, img_size: int = 240, img_scale: Sequence[float] = (1.0, 224 / 240),
                 patch_size: Sequence[int] = (12, 16), embed_dim: Sequence[int] = (192, 384),
                 depth: Sequence[Sequence[int]] = ((1, 3, 0),) * 3,
                 num_heads: Sequence[int] = (6, 6), mlp_ratio: Sequence[float] = (2, 2, 4),
                 multi_conv: bool = False, num_classes: int = 1000, in_channels: int = 3,
                 qkv_bias: bool = True, drop_rate: float = 0.0, attn_drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0) -> None:
        super().__init__()
        if any(cfg[-1] for cfg in depth):
            raise ValueError("CrossViT: only one cross-attention layer per fusion (depth[-1] = 0)")
        self.img_size = img_size
        self.sizes = [int(s * img_size) for s in img_scale]
        for i, (size, patch, dim) in enumerate(zip(self.sizes, patch_size, embed_dim)):
            tokens = 1 + (size // patch) ** 2
            setattr(self, f"pos_embed_{i}", nn.Parameter(lucid.zeros(1, tokens, dim)))
            setattr(self, f"cls_token_{i}", nn.Parameter(lucid.zeros(1, 1, dim)))
        self.patch_embed = nn.ModuleList([_PatchEmbed(p, in_channels, d, multi_conv)
                                          for p, d in zip(patch_size, embed_dim)])
        self.pos_drop = nn.Dropout(drop_rate)
        total = sum(sum(cfg[-2:]) for cfg in depth)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        blocks, start = [], 0
        for cfg in depth:
            n = max(cfg[:-1]) + cfg[-1]
            blocks.append(MultiScaleBlock(embed_dim, cfg[:-1], num_heads, mlp_ratio, qkv_bias,
                                          drop_rate, attn_drop_rate, rates[start:start + n]))
            start += n
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.ModuleList([nn.LayerNorm(d, eps=1e-6) for d in embed_dim])
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.ModuleList([nn.Linear(d, num_classes) for d in embed_dim])
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
        for i in range(len(embed_dim)):
            nn.init.trunc_normal_(getattr(self, f"pos_embed_{i}"), std=0.02)
            nn.init.trunc_normal_(getattr(self, f"cls_token_{i}"), std=0.02)

    def forward(self, x):
        if x.ndim != 4 or x.shape[2:] != (self.img_size, self.img_size):
            raise ShapeError(f"CrossViT: expected (N, C, {self.img_size}, {self.img_size}), "
                             f"got {tuple(x.shape)}")
        xs = []
        for i, (size, embed) in enumerate(zip(self.sizes, self.patch_embed)):
            tokens = embed(bicubic_resize(x, (size, size)))
            cls = getattr(self, f"cls_token_{i}").expand(x.shape[0], -1, -1)
            xs.append(self.pos_drop(lucid.cat([cls, tokens], axis=1)
                                    + getattr(self, f"pos_embed_{i}")))
        for block in self.blocks:
            xs = block(xs)
        logits = [head(self.head_drop(norm(t)[:, 0]))
                  for norm, head, t in zip(self.norm, self.head, xs)]
        return lucid.stack(logits).mean(axis=0)


def _crossvit(num_classes, weights, kwargs, dim, heads, large_depth, mlp, dagger=False):
    config = dict(embed_dim=(dim, 2 * dim), num_heads=(heads, heads),
                  depth=((1, large_depth, 0),) * 3, mlp_ratio=(mlp, mlp, 1), multi_conv=dagger)
    model = CrossViT(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def crossvit_tiny(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-Ti: 7,014,800 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 96, 3, 4, 4)


@register_model
def crossvit_small(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-S: 26,856,272 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 192, 6, 4, 4)


@register_model
def crossvit_base(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-B: 105,025,232 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 384, 12, 4, 4)


@register_model
def crossvit_9(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-9: 8,553,296 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 128, 4, 3, 3)


@register_model
def crossvit_15(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-15: 27,528,464 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 192, 6, 5, 3)


@register_model
def crossvit_18(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-18: 43,271,408 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 224, 7, 6, 3)


@register_model
def crossvit_9_dagger(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-9 dagger (convolutional embedding): 8,776,592 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 128, 4, 3, 3, dagger=True)


@register_model
def crossvit_15_dagger(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-15 dagger: 28,209,008 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 192, 6, 5, 3, dagger=True)


@register_model
def crossvit_18_dagger(num_classes: int = 1000, weights=None, **kwargs) -> CrossViT:
    """CrossViT-18 dagger: 44,266,976 parameters with 1000 classes."""
    return _crossvit(num_classes, weights, kwargs, 224, 7, 6, 3, dagger=True)
