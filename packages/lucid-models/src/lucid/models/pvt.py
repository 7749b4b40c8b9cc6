"""PVT v1 (Wang et al., "Pyramid Vision Transformer: A Versatile Backbone for Dense
Prediction without Convolutions", ICCV 2021), the paper's architecture (no timm/torchvision
model exists; names follow the authors' code where it is clear).

Four stages; stage ``i`` embeds non-overlapping patches (4x4 for the first, 2x2 after; a
convolution with stride = kernel, then LayerNorm), adds learnt position embeddings
(``pos_embeds.i``; the last stage puts a class token in front first), and runs PVT blocks
(``blocks/pvt_block.py`` with the plain MLP): spatial-reduction attention with ratios
8-4-2-1, MLP ratios 8-8-4-4, widths 64-128-320-512, heads 1-2-5-8. The class token after a
final LayerNorm is classified::

    y = head(LN(z_4)[:, 0])

Initialisation (authors' code): linear layers, position embeddings and the class token
``trunc_normal(0.02)``, biases 0.

Variants (depths) and parameters with 1000 classes at 224x224 (paper, Table 2: 13.2M,
24.5M, 44.2M, 61.4M): tiny (2-2-2-2) 13,229,288; small (3-4-6-3) 24,485,864; medium
(3-4-18-3) 44,208,104; large (3-8-27-3) 61,369,320. huge (widths 128-256-512-768, heads
2-4-8-12, depths 3-10-60-3; the authors' ``pvt_huge_v2``, no count published)
304,945,512.

Departures of the original Lucid, not followed: its attention has no output projection
(``proj`` was a Dropout), its ``pvt_large`` uses depths 3-4-27-3 (paper 3-8-27-3), and it
builds ``pvt_huge`` with stochastic depth 0.02 by default (here 0 like the others).
"""

from __future__ import annotations

from collections.abc import Sequence

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.blocks.patch_embed import PatchEmbed
from lucid.models.blocks.pvt_block import PVTBlock
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["PyramidVisionTransformer", "pvt_tiny", "pvt_small", "pvt_medium", "pvt_large",
           "pvt_huge"]


class PyramidVisionTransformer(nn.Module):
    """PVT v1 classifier.

    Args:
        depths, embed_dims, num_heads, mlp_ratios (8, 8, 4, 4), sr_ratios (8, 4, 2, 1),
        img_size (224; fixes the position embeddings), num_classes (1000), in_channels (3),
        drop_rate, attn_drop_rate, drop_path_rate (stochastic depth linear over all blocks).
    """

    def __init__(self, depths: Sequence[int] = (3, 4, 6, 3),
                 embed_dims: Sequence[int] = (64, 128, 320, 512),
                 num_heads: Sequence[int] = (1, 2, 5, 8),
                 mlp_ratios: Sequence[float] = (8, 8, 4, 4),
                 sr_ratios: Sequence[int] = (8, 4, 2, 1), img_size: int = 224,
                 num_classes: int = 1000, in_channels: int = 3, drop_rate: float = 0.0,
                 attn_drop_rate: float = 0.0, drop_path_rate: float = 0.0) -> None:
        super().__init__()
        if img_size % 32:
            raise ValueError(f"PyramidVisionTransformer: img_size {img_size} is not a "
                             f"multiple of 32")
        self.img_size = img_size
        total = sum(depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        embeds, pos, stages, start = [], [], [], 0
        for i, depth in enumerate(depths):
            patch = 4 if i == 0 else 2
            embeds.append(PatchEmbed(patch, in_channels if i == 0 else embed_dims[i - 1],
                                     embed_dims[i], norm=True))
            tokens = (img_size // (4 * 2 ** i)) ** 2 + (1 if i == len(depths) - 1 else 0)
            pos.append(nn.Parameter(lucid.zeros(1, tokens, embed_dims[i])))
            stages.append(nn.ModuleList([
                PVTBlock(embed_dims[i], num_heads[i], mlp_ratios[i], sr_ratios[i], True,
                         drop_rate, attn_drop_rate, rates[start + j], conv_mlp=False)
                for j in range(depth)]))
            start += depth
        self.cls_token = nn.Parameter(lucid.zeros(1, 1, embed_dims[-1]))
        self.pos_embeds = nn.ParameterList(pos)
        self.patch_embeds = nn.ModuleList(embeds)
        self.pos_drop = nn.Dropout(drop_rate)
        self.stages = nn.ModuleList(stages)
        self.norm = nn.LayerNorm(embed_dims[-1], eps=1e-6)
        self.head = nn.Linear(embed_dims[-1], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        for p in (*self.pos_embeds, self.cls_token):
            nn.init.trunc_normal_(p, std=0.02)

    def forward(self, x):
        if x.ndim != 4 or x.shape[2:] != (self.img_size, self.img_size):
            raise ShapeError(f"PyramidVisionTransformer: expected (N, C, {self.img_size}, "
                             f"{self.img_size}), got {tuple(x.shape)}")
        last = len(self.stages) - 1
        for i, (embed, pos, blocks) in enumerate(zip(self.patch_embeds, self.pos_embeds,
                                                     self.stages)):
            x = embed(x)                                   # (N, H, W, C)
            n, h, w, c = x.shape
            x = x.reshape(n, h * w, c)
            if i == last:
                x = lucid.cat([self.cls_token.expand(n, -1, -1), x], axis=1)
            x = self.pos_drop(x + pos)
            for block in blocks:
                x = block(x, (h, w))
            if i < last:
                x = x.reshape(n, h, w, c).permute(0, 3, 1, 2)
        return self.head(self.norm(x)[:, 0])


def _pvt(num_classes, weights, kwargs, **config) -> PyramidVisionTransformer:
    model = PyramidVisionTransformer(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def pvt_tiny(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformer:
    """PVT-Tiny: 13,229,288 parameters with 1000 classes (paper 13.2M)."""
    return _pvt(num_classes, weights, kwargs, depths=(2, 2, 2, 2))


@register_model
def pvt_small(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformer:
    """PVT-Small: 24,485,864 parameters with 1000 classes (paper 24.5M)."""
    return _pvt(num_classes, weights, kwargs, depths=(3, 4, 6, 3))


@register_model
def pvt_medium(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformer:
    """PVT-Medium: 44,208,104 parameters with 1000 classes (paper 44.2M)."""
    return _pvt(num_classes, weights, kwargs, depths=(3, 4, 18, 3))


@register_model
def pvt_large(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformer:
    """PVT-Large: 61,369,320 parameters with 1000 classes (paper 61.4M)."""
    return _pvt(num_classes, weights, kwargs, depths=(3, 8, 27, 3))


@register_model
def pvt_huge(num_classes: int = 1000, weights=None, **kwargs) -> PyramidVisionTransformer:
    """PVT-Huge: 304,945,512 parameters with 1000 classes."""
    return _pvt(num_classes, weights, kwargs, depths=(3, 10, 60, 3),
                embed_dims=(128, 256, 512, 768), num_heads=(2, 4, 8, 12))
