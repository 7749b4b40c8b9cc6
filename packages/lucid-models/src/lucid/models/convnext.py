"""ConvNeXt (Liu et al., "A ConvNet for the 2020s", CVPR 2022) with torchvision's structure,
parameter names and initialisation.

``features``: a patchify stem ``Conv2d(3, C0, 4, stride 4) -> LayerNorm2d``, then four
stages of ConvNeXt blocks separated by downsampling layers ``LayerNorm2d -> Conv2d(k=2,
stride 2)`` (``features.1, 3, 5, 7`` are the stages, ``2, 4, 6`` the downsamplers). A block::

    h = dwconv7x7(x)                      (N, C, H, W), bias
    h = Linear_{4C -> C}(GELU(Linear_{C -> 4C}(LayerNorm(h))))   channels last
    y = x + drop_path(gamma * h)          gamma (C, 1, 1) starts at 1e-6 (layer scale)

then global average pooling and ``classifier = LayerNorm2d -> Flatten -> Linear``.
Stochastic depth grows linearly from 0 to ``stochastic_depth_prob`` over the blocks
(torchvision's defaults: tiny 0.1, small 0.4, base/large 0.5). Convolutions and linear
layers start from ``trunc_normal(std=0.02)``, biases 0. LayerNorm ``eps = 1e-6``.

Variants (channels; blocks per stage) and parameters with 1000 classes:
tiny (96, 192, 384, 768; 3, 3, 9, 3) 28,589,128; small (same widths; 3, 3, 27, 3)
50,223,688; base (128, 256, 512, 1024; 3, 3, 27, 3) 88,591,464; large (192, 384, 768, 1536;
3, 3, 27, 3) 197,767,336; xlarge (256, 512, 1024, 2048; 3, 3, 27, 3) 350,196,968 (the
paper's 22K model; timm ``convnext_xlarge``'s count; torchvision has no xlarge, so its
``ConvNeXt`` class with these widths is the parity reference).

Departure of the original Lucid: its ``convnext_small`` has 364 channels in the third
stage (a typo for the paper's 384); here it has 384.
"""

from __future__ import annotations

from collections.abc import Sequence

import lucid
from lucid import nn
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.model_init import init_trunc_normal_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["ConvNeXt", "ConvNeXtBlock", "convnext_tiny", "convnext_small", "convnext_base",
           "convnext_large", "convnext_xlarge"]


class ConvNeXtBlock(nn.Module):
    """One ConvNeXt block (torchvision's ``CNBlock`` names: ``layer_scale``, ``block.0``
    depthwise conv, ``block.2`` LayerNorm, ``block.3``/``block.5`` the MLP)."""

    def __init__(self, dim: int, drop_path: float = 0.0, layer_scale: float = 1e-6) -> None:
        super().__init__()
        self.layer_scale = nn.Parameter(lucid.full((dim, 1, 1), layer_scale))
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, 7, padding=3, groups=dim),
            nn.Rearrange("n c h w -> n h w c"),
            nn.LayerNorm(dim, eps=1e-6),
            nn.Linear(dim, 4 * dim),
            nn.GELU(),
            nn.Linear(4 * dim, dim),
            nn.Rearrange("n h w c -> n c h w"))
        self.stochastic_depth = nn.DropPath(drop_path)

    def forward(self, x):
        return x + self.stochastic_depth(self.layer_scale * self.block(x))


class ConvNeXt(nn.Module):
    """ConvNeXt: ``features`` (stem, stages, downsamplers) then ``classifier``.

    Args:
        dims: channels of the four stages. depths: blocks per stage.
        num_classes (1000), stochastic_depth_prob (0.0), layer_scale (1e-6), in_channels (3).
    """

    def __init__(self, dims: Sequence[int], depths: Sequence[int], num_classes: int = 1000,
                 stochastic_depth_prob: float = 0.0, layer_scale: float = 1e-6,
                 in_channels: int = 3) -> None:
        super().__init__()
        layers = [nn.Sequential(nn.Conv2d(in_channels, dims[0], 4, stride=4),
                                LayerNorm2d(dims[0]))]
        total, index = sum(depths), 0
        for i, (dim, depth) in enumerate(zip(dims, depths)):
            blocks = []
            for _ in range(depth):
                p = stochastic_depth_prob * index / max(total - 1, 1)
                blocks.append(ConvNeXtBlock(dim, p, layer_scale))
                index += 1
            layers.append(nn.Sequential(*blocks))
            if i + 1 < len(dims):
                layers.append(nn.Sequential(LayerNorm2d(dim),
                                            nn.Conv2d(dim, dims[i + 1], 2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(LayerNorm2d(dims[-1]), nn.Flatten(1),
                                        nn.Linear(dims[-1], num_classes))
        init_trunc_normal_(self)

    def forward(self, x):
        x = self.features(x).mean(axis=(2, 3), keepdims=True)
        return self.classifier(x)


def _convnext(dims, depths, sd_prob, num_classes, weights, kwargs) -> ConvNeXt:
    model = ConvNeXt(dims, depths, num_classes=num_classes,
                     **{"stochastic_depth_prob": sd_prob, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def convnext_tiny(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXt:
    """ConvNeXt-T: 28,589,128 parameters with 1000 classes."""
    return _convnext((96, 192, 384, 768), (3, 3, 9, 3), 0.1, num_classes, weights, kwargs)


@register_model
def convnext_small(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXt:
    """ConvNeXt-S: 50,223,688 parameters with 1000 classes (384 third-stage channels; the
    original Lucid's 364 was a typo)."""
    return _convnext((96, 192, 384, 768), (3, 3, 27, 3), 0.4, num_classes, weights, kwargs)


@register_model
def convnext_base(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXt:
    """ConvNeXt-B: 88,591,464 parameters with 1000 classes."""
    return _convnext((128, 256, 512, 1024), (3, 3, 27, 3), 0.5, num_classes, weights, kwargs)


@register_model
def convnext_large(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXt:
    """ConvNeXt-L: 197,767,336 parameters with 1000 classes."""
    return _convnext((192, 384, 768, 1536), (3, 3, 27, 3), 0.5, num_classes, weights, kwargs)


@register_model
def convnext_xlarge(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXt:
    """ConvNeXt-XL: 350,196,968 parameters with 1000 classes (timm ``convnext_xlarge``)."""
    return _convnext((256, 512, 1024, 2048), (3, 3, 27, 3), 0.5, num_classes, weights, kwargs)
