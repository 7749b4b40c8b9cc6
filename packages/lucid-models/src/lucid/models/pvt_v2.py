"""PVT v2 (Wang et al., "PVT v2: Improved Baselines with Pyramid Vision Transformer",
CVMJ 2022) with timm's ``PyramidVisionTransformerV2`` structure, names and initialisation.

Four stages; stage ``i`` starts with an overlapping patch embedding (``Conv2d`` kernel 7
stride 4 padding 3 for the first, kernel 3 stride 2 padding 1 after, then LayerNorm) and runs
``depth_i`` PVT blocks (``blocks/pvt_block.py``: spatial-reduction attention with reduction
ratios 8-4-2-1, depthwise-conv MLP), then a LayerNorm; the classifier averages the last map's
tokens. ``pvt_v2_b2_li`` replaces the strided reduction with 7x7 average pooling (linear
attention cost) and adds a ReLU in the MLP. Initialisation (timm): linear layers
``trunc_normal(0.02)``, bias 0; convolutions ``normal(0, sqrt(2 / fan_out))``, bias 0.

Variants (widths 64-128-320-512, heads 1-2-5-8, MLP ratios 8-8-4-4 unless stated; depths)
and parameters with 1000 classes: b0 (widths 32-64-160-256; 2-2-2-2) 3,666,760; b1 (2-2-2-2)
14,009,000; b2 (3-4-6-3) 25,362,856; b2_li (3-4-6-3) 22,553,512; b3 (3-4-18-3) 45,238,696;
b4 (3-8-27-3) 62,556,072; b5 (3-6-40-3, MLP ratios 4-4-4-4) 81,956,008.

Departure of the original Lucid: its ``pvt_v2_b5`` used MLP ratios 8-8-4-4; the paper and
timm use 4-4-4-4 (followed here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lucid import nn
from lucid.models.blocks.patch_embed import PatchEmbed
from lucid.models.blocks.pvt_block import PVTBlock
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["PyramidVisionTransformerV2", "pvt_v2_b0", "pvt_v2_b1", "pvt_v2_b2", "pvt_v2_b2_li",
           "pvt_v2_b3", "pvt_v2_b4", "pvt_v2_b5"]


class PVTv2Stage(nn.Module):
    """``downsample`` (stages after the first) then ``blocks`` then ``norm``: the first
    stage takes the embedded ``(N, H, W, C)``, the others ``(N, C_in, H, W)``; every stage
    returns ``(N, C, H', W')``."""

    def __init__(self, dim_in: int, dim: int, depth: int, downsample: bool, num_heads: int,
                 sr_ratio: int, mlp_ratio: float, drop_paths: Sequence[float], linear: bool,
                 drop: float, attn_drop: float) -> None:
        super().__init__()
        self.downsample = PatchEmbed(3, dim_in, dim, norm=True, stride=2, padding=1) \
            if downsample else None
        self.blocks = nn.ModuleList([
            PVTBlock(dim, num_heads, mlp_ratio, sr_ratio, True, drop, attn_drop, drop_paths[i],
                     linear) for i in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        if self.downsample is not None:
            x = self.downsample(x)                          # (N, H, W, C)
        n, h, w, c = x.shape
        x = x.reshape(n, h * w, c)
        for block in self.blocks:
            x = block(x, (h, w))
        return self.norm(x).reshape(n, h, w, c).permute(0, 3, 1, 2)


class PyramidVisionTransformerV2(nn.Module):
    """PVT v2 classifier.

    Args:
        depths, embed_dims, num_heads, mlp_ratios (8, 8, 4, 4), sr_ratios (8, 4, 2, 1),
        linear (False: the ``-li`` variant), num_classes (1000), in_channels (3), drop_rate,
        attn_drop_rate, drop_path_rate (stochastic depth linear over all blocks).
    """

    def __init__(self, depths: Sequence[int] = (3, 4, 6, 3),
                 embed_dims: Sequence[int] = (64, 128, 320, 512),
                 num_heads: Sequence[int] = (1, 2, 5, 8),
                 mlp_ratios: Sequence[float] = (8, 8, 4, 4),
                 sr_ratios: Sequence[int] = (8, 4, 2, 1), linear: bool = False,
                 num_classes: int = 1000, in_channels: int = 3, drop_rate: float = 0.0,
                 attn_drop_rate: float = 0.0, drop_path_rate: float = 0.0) -> None:
        super().__init__()
        self.patch_embed = PatchEmbed(7, in_channels, embed_dims[0], norm=True, stride=4,
                                      padding=3)
        total = sum(depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        stages, start, dim_in = [], 0, embed_dims[0]
        for i, depth in enumerate(depths):
            stages.append(PVTv2Stage(dim_in, embed_dims[i], depth, i > 0, num_heads[i],
                                     sr_ratios[i], mlp_ratios[i], rates[start:start + depth],
                                     linear, drop_rate, attn_drop_rate))
            start, dim_in = start + depth, embed_dims[i]
        self.stages = nn.Sequential(*stages)
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.Linear(embed_dims[-1], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
            elif isinstance(m, nn.Conv2d):
                k = m.weight.shape[2] * m.weight.shape[3]
                nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / (k * m.out_channels // m.groups)))
            if isinstance(m, (nn.Linear, nn.Conv2d)) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.stages(self.patch_embed(x))               # (N, H, W, C) into stage 0
        return self.head(self.head_drop(x.mean(axis=(2, 3))))


def _pvt_v2(num_classes, weights, kwargs, **config) -> PyramidVisionTransformerV2:
    model = PyramidVisionTransformerV2(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def pvt_v2_b0(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B0: 3,666,760 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(2, 2, 2, 2),
                   embed_dims=(32, 64, 160, 256))


@register_model
def pvt_v2_b1(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B1: 14,009,000 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(2, 2, 2, 2))


@register_model
def pvt_v2_b2(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B2: 25,362,856 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(3, 4, 6, 3))


@register_model
def pvt_v2_b2_li(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B2-Li (linear attention): 22,553,512 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(3, 4, 6, 3), linear=True)


@register_model
def pvt_v2_b3(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B3: 45,238,696 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(3, 4, 18, 3))


@register_model
def pvt_v2_b4(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B4: 62,556,072 parameters with 1000 classes."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(3, 8, 27, 3))


@register_model
def pvt_v2_b5(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformerV2:
    """PVT v2-B5: 81,956,008 parameters with 1000 classes (MLP ratios 4-4-4-4)."""
    return _pvt_v2(num_classes, weights, kwargs, depths=(3, 6, 40, 3), mlp_ratios=(4, 4, 4, 4))
