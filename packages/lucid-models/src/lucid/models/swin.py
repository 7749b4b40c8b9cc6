"""Swin Transformer V1 (Liu et al., "Swin Transformer: Hierarchical Vision Transformer using
Shifted Windows", ICCV 2021) and V2 (Liu et al., "Swin Transformer V2: Scaling Up Capacity
and Resolution", CVPR 2022) with timm's structure and names (``swin_transformer.py``,
``swin_transformer_v2.py``), channels-last ``(N, H, W, C)`` throughout.

``patch_embed`` (4x4 patches, LayerNorm), four ``layers`` (stage ``i > 0`` starts with a
``PatchMerging`` downsample), final ``norm``, global average pooling, ``head.fc``. Block ``l``
of a stage attends inside ``M x M`` windows, shifted by ``M/2`` on odd blocks::

    V1 (pre-norm):  x = x + DP(W-MSA(LN(x)));   x = x + DP(MLP(LN(x)))
    V2 (res-post):  x = x + DP(LN(W-MSA(x)));   x = x + DP(LN(MLP(x)))

V1 attention adds a learnt relative position bias table; V2 uses scaled cosine attention
with a log-spaced continuous position bias (``blocks/window_attention_v2.py``) and merges
patches before its norm. A stage whose map is no larger than the window uses one window of
the map's size and no shift; a map that is not a multiple of the window is zero-padded
(V1 after the cyclic shift, V2 before it, as timm). Initialisation (timm): linear layers
``trunc_normal(0.02)``, bias 0; V1 bias tables ``trunc_normal(0.02)``; V2 logit scales ``log 10``.

Parameters with 1000 classes (timm ``swin_*_patch4_window7_224``, 224x224, window 7):
tiny (C=96, depths 2-2-6-2, heads 3-6-12-24) 28,288,354; small (2-2-18-2) 49,606,258; base
(C=128, heads 4-8-16-32) 87,768,224; large (C=192, heads 6-12-24-48) 196,532,476.
V2 at 256x256, window 8 (timm ``swinv2_*_window8_256``; the count does not depend on the
window): tiny 28,347,154; small 49,728,418; base 87,918,816; large (C=192) 196,739,932;
huge (C=352, depths 2-2-18-2, heads 11-22-44-88) 658,027,922 and giant (C=512, depths
2-2-42-4, heads 16-32-64-128) 3,001,912,008 (no timm model; the paper gives 658M and 3.0B).

Departures from the paper: SwinV2-H/G's extra LayerNorm every six blocks of the main branch
(used only for their largest-scale training) is not added, as in timm's V2 classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from lucid import nn
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.patch_embed import PatchEmbed
from lucid.models.blocks.patch_merging import PatchMerging
from lucid.models.blocks.window_attention import WindowAttention, windowed_attention
from lucid.models.blocks.window_attention_v2 import WindowAttentionV2
from lucid.models.model_init import init_trunc_normal_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["SwinTransformer", "SwinBlock", "swin_tiny", "swin_small", "swin_base", "swin_large",
           "swin_v2_tiny", "swin_v2_small", "swin_v2_base", "swin_v2_large", "swin_v2_huge",
           "swin_v2_giant"]


class SwinBlock(nn.Module):
    """One Swin block (V1 pre-norm, or V2 residual post-norm with ``v2=True``) on
    ``(N, H, W, C)``."""

    def __init__(self, dim: int, num_heads: int, window: int, shift: int, mlp_ratio: float = 4.0,
                 qkv_bias: bool = True, drop: float = 0.0, attn_drop: float = 0.0,
                 drop_path: float = 0.0, v2: bool = False) -> None:
        super().__init__()
        self.v2 = v2
        self.window, self.shift = (window, window), (shift, shift)
        attn_cls = WindowAttentionV2 if v2 else WindowAttention
        attn = attn_cls(dim, num_heads, self.window, qkv_bias, attn_drop, drop)
        if v2:  # timm's order of the state dict: attn, norm1, mlp, norm2
            self.attn, self.norm1 = attn, nn.LayerNorm(dim)
            self.mlp, self.norm2 = Mlp(dim, int(dim * mlp_ratio), drop=drop), nn.LayerNorm(dim)
        else:
            self.norm1, self.attn = nn.LayerNorm(dim), attn
            self.norm2, self.mlp = nn.LayerNorm(dim), Mlp(dim, int(dim * mlp_ratio), drop=drop)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        if self.v2:
            x = x + self.drop_path(self.norm1(windowed_attention(x, self.attn, self.window,
                                                                 self.shift)))
            return x + self.drop_path(self.norm2(self.mlp(x)))
        x = x + self.drop_path(windowed_attention(self.norm1(x), self.attn, self.window,
                                                  self.shift, shift_first=True))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class SwinStage(nn.Module):
    """``downsample`` (PatchMerging, or nothing in stage 0) then ``blocks``."""

    def __init__(self, dim: int, depth: int, num_heads: int, window: int, resolution: int,
                 downsample: bool, drop_paths: Sequence[float], v2: bool, **block_kw) -> None:
        super().__init__()
        self.downsample = PatchMerging(dim // 2, post_norm=v2) if downsample else nn.Identity()
        if resolution <= window:
            window, shift = resolution, 0
        else:
            shift = window // 2
        self.blocks = nn.Sequential(*[
            SwinBlock(dim, num_heads, window, shift if i % 2 else 0, drop_path=drop_paths[i],
                      v2=v2, **block_kw) for i in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class _Head(nn.Module):
    def __init__(self, dim: int, num_classes: int, drop: float) -> None:
        super().__init__()
        self.drop = nn.Dropout(drop)
        self.fc = nn.Linear(dim, num_classes)

    def forward(self, x):
        return self.fc(self.drop(x))


class SwinTransformer(nn.Module):
    """Swin V1 (``v2=False``) or V2 classifier.

    Args:
        embed_dim: C of the first stage (doubled per stage). depths, num_heads: per stage.
        window_size (7), img_size (224: fixes each stage's window and shift), patch_size (4),
        mlp_ratio (4), num_classes (1000), in_channels (3), qkv_bias (True), drop_rate,
        attn_drop_rate, drop_path_rate (0; stochastic depth linear over all blocks), v2.
    """

    def __init__(self, embed_dim: int = 96, depths: Sequence[int] = (2, 2, 6, 2),
                 num_heads: Sequence[int] = (3, 6, 12, 24), window_size: int = 7,
                 img_size: int = 224, patch_size: int = 4, mlp_ratio: float = 4.0,
                 num_classes: int = 1000, in_channels: int = 3, qkv_bias: bool = True,
                 drop_rate: float = 0.0, attn_drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0, v2: bool = False) -> None:
        super().__init__()
        self.patch_embed = PatchEmbed(patch_size, in_channels, embed_dim, norm=True)
        total = sum(depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        stages, start = [], 0
        for i, (depth, heads) in enumerate(zip(depths, num_heads)):
            stages.append(SwinStage(embed_dim * 2 ** i, depth, heads, window_size,
                                    img_size // patch_size // 2 ** i, i > 0,
                                    rates[start:start + depth], v2, mlp_ratio=mlp_ratio,
                                    qkv_bias=qkv_bias, drop=drop_rate,
                                    attn_drop=attn_drop_rate))
            start += depth
        self.layers = nn.Sequential(*stages)
        width = embed_dim * 2 ** (len(depths) - 1)
        self.norm = nn.LayerNorm(width)
        self.head = _Head(width, num_classes, drop_rate)
        init_trunc_normal_(self)

    def forward(self, x):
        x = self.norm(self.layers(self.patch_embed(x)))
        return self.head(x.mean(axis=(1, 2)))


def _swin(num_classes, weights, kwargs, **config) -> SwinTransformer:
    model = SwinTransformer(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


_V2 = {"v2": True, "img_size": 256, "window_size": 8}


@register_model
def swin_tiny(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """Swin-T: 28,288,354 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=96, depths=(2, 2, 6, 2),
                 num_heads=(3, 6, 12, 24))


@register_model
def swin_small(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """Swin-S: 49,606,258 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=96, depths=(2, 2, 18, 2),
                 num_heads=(3, 6, 12, 24))


@register_model
def swin_base(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """Swin-B: 87,768,224 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=128, depths=(2, 2, 18, 2),
                 num_heads=(4, 8, 16, 32))


@register_model
def swin_large(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """Swin-L: 196,532,476 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=192, depths=(2, 2, 18, 2),
                 num_heads=(6, 12, 24, 48))


@register_model
def swin_v2_tiny(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-T (256x256, window 8): 28,347,154 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=96, depths=(2, 2, 6, 2),
                 num_heads=(3, 6, 12, 24), **_V2)


@register_model
def swin_v2_small(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-S (256x256, window 8): 49,728,418 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=96, depths=(2, 2, 18, 2),
                 num_heads=(3, 6, 12, 24), **_V2)


@register_model
def swin_v2_base(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-B (256x256, window 8): 87,918,816 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=128, depths=(2, 2, 18, 2),
                 num_heads=(4, 8, 16, 32), **_V2)


@register_model
def swin_v2_large(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-L (256x256, window 8): 196,739,932 parameters with 1000 classes."""
    return _swin(num_classes, weights, kwargs, embed_dim=192, depths=(2, 2, 18, 2),
                 num_heads=(6, 12, 24, 48), **_V2)


@register_model
def swin_v2_huge(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-H (256x256, window 8): 658,027,922 parameters with 1000 classes (paper 658M)."""
    return _swin(num_classes, weights, kwargs, embed_dim=352, depths=(2, 2, 18, 2),
                 num_heads=(11, 22, 44, 88), **_V2)


@register_model
def swin_v2_giant(num_classes: int = 1000, weights=None, **kwargs) -> SwinTransformer:
    """SwinV2-G (256x256, window 8): 3,001,912,008 parameters with 1000 classes (paper 3.0B)."""
    return _swin(num_classes, weights, kwargs, embed_dim=512, depths=(2, 2, 42, 4),
                 num_heads=(16, 32, 64, 128), **_V2)
