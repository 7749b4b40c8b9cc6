"""Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers for
Image Recognition at Scale", ICLR 2021) with timm's ``VisionTransformer`` structure, names
and initialisation.

The image is cut into ``P x P`` patches (``patch_embed``), a learnt ``cls_token`` is put in
front, learnt position embeddings are added, then ``depth`` pre-norm encoder blocks::

    z0 = [cls; x_p E] + E_pos
    z' = z + MSA(LN(z));  z = z' + MLP(LN(z'))     (x depth)
    y  = head(LN(z)[:, 0])

Initialisation (timm): position embeddings ``trunc_normal(0.02)``, class token
``normal(1e-6)``, linear layers ``trunc_normal(0.02)`` with zero bias; LayerNorm eps 1e-6.

Variants (width, depth, heads, patch) and parameters with 1000 classes at 224x224:
tiny (192, 12, 3, 16) 5,717,416; small (384, 12, 6, 16) 22,050,664; base (768, 12, 12, 16)
86,567,656; large (1024, 24, 16, 16) 304,326,632; huge (1280, 32, 16, 14) 632,045,800
(timm ``vit_*_patch16_224``, ``vit_huge_patch14_224``; DeiT's tiny/small widths).
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.blocks.patch_embed import PatchEmbed
from lucid.models.blocks.transformer_block import TransformerBlock
from lucid.models.model_init import init_trunc_normal_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["VisionTransformer", "vit_tiny", "vit_small", "vit_base", "vit_large", "vit_huge"]


class VisionTransformer(nn.Module):
    """ViT classifier.

    Args:
        img_size (224), patch_size (16), embed_dim, depth, num_heads, mlp_ratio (4),
        num_classes (1000), in_channels (3), qkv_bias (True), drop_rate (0, dropout after the
        position embedding and in the blocks), attn_drop_rate (0), drop_path_rate (0,
        stochastic depth growing linearly over the blocks).
    """

    def __init__(self, img_size: int = 224, patch_size: int = 16, embed_dim: int = 768,
                 depth: int = 12, num_heads: int = 12, mlp_ratio: float = 4.0,
                 num_classes: int = 1000, in_channels: int = 3, qkv_bias: bool = True,
                 drop_rate: float = 0.0, attn_drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0) -> None:
        super().__init__()
        if img_size % patch_size:
            raise ValueError(f"VisionTransformer: img_size {img_size} is not a multiple of "
                             f"patch_size {patch_size}")
        self.img_size = img_size
        num_patches = (img_size // patch_size) ** 2
        self.cls_token = nn.Parameter(lucid.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(lucid.zeros(1, num_patches + 1, embed_dim))
        self.patch_embed = PatchEmbed(patch_size, in_channels, embed_dim)
        self.pos_drop = nn.Dropout(drop_rate)
        self.blocks = nn.Sequential(*[
            TransformerBlock(embed_dim, num_heads, mlp_ratio, qkv_bias, drop_rate,
                             attn_drop_rate, drop_path_rate * i / max(depth - 1, 1))
            for i in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)
        init_trunc_normal_(self)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)

    def forward(self, x):
        if x.ndim != 4 or x.shape[2:] != (self.img_size, self.img_size):
            raise ShapeError(f"VisionTransformer: expected (N, C, {self.img_size}, "
                             f"{self.img_size}), got {tuple(x.shape)}")
        tokens = self.patch_embed(x).flatten(1, 2)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        z = self.pos_drop(lucid.cat([cls, tokens], axis=1) + self.pos_embed)
        return self.head(self.norm(self.blocks(z))[:, 0])


def _vit(num_classes, weights, kwargs, **config) -> VisionTransformer:
    model = VisionTransformer(num_classes=num_classes, **{**config, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def vit_tiny(num_classes: int = 1000, weights=None, **kwargs) -> VisionTransformer:
    """ViT-Ti/16: 5,717,416 parameters with 1000 classes."""
    return _vit(num_classes, weights, kwargs, embed_dim=192, depth=12, num_heads=3)


@register_model
def vit_small(num_classes: int = 1000, weights=None, **kwargs) -> VisionTransformer:
    """ViT-S/16: 22,050,664 parameters with 1000 classes."""
    return _vit(num_classes, weights, kwargs, embed_dim=384, depth=12, num_heads=6)


@register_model
def vit_base(num_classes: int = 1000, weights=None, **kwargs) -> VisionTransformer:
    """ViT-B/16: 86,567,656 parameters with 1000 classes."""
    return _vit(num_classes, weights, kwargs, embed_dim=768, depth=12, num_heads=12)


@register_model
def vit_large(num_classes: int = 1000, weights=None, **kwargs) -> VisionTransformer:
    """ViT-L/16: 304,326,632 parameters with 1000 classes."""
    return _vit(num_classes, weights, kwargs, embed_dim=1024, depth=24, num_heads=16)


@register_model
def vit_huge(num_classes: int = 1000, weights=None, **kwargs) -> VisionTransformer:
    """ViT-H/14: 632,045,800 parameters with 1000 classes."""
    return _vit(num_classes, weights, kwargs, patch_size=14, embed_dim=1280, depth=32,
                num_heads=16)
