"""MaxViT (Tu et al., "MaxViT: Multi-Axis Vision Transformer", ECCV 2022) with the
structure and names of timm's ``maxvit_*_tf_224`` (the TF checkpoints' layout).

Every stage is a stack of MaxViT blocks (MBConv with expansion 4 and SE, block attention,
grid attention; :mod:`lucid.models.maxxvit.model`), heads of 32 channels, partition 7x7 at
224x224 (``img_size / 32``), the head ``LN -> Linear(C, C) -> tanh -> Linear``.

Variants (stem; widths; depths) and parameters with 1000 classes (timm ``*_tf_224``):
tiny (64; 64, 128, 256, 512; 2, 2, 5, 2) 30,916,528; small (64; 96, 192, 384, 768;
2, 2, 5, 2) 68,927,956; base (64; 96, 192, 384, 768; 2, 6, 14, 2) 119,467,708;
large (128; 128, 256, 512, 1024; 2, 6, 14, 2) 211,785,560; xlarge (192; 192, 384, 768,
1536; 2, 6, 14, 2) 474,951,952.

Departure of the original Lucid: its MBConv lacks the 4x expansion (about 19 % fewer
parameters); here the paper's and timm's block is used.
"""

from __future__ import annotations

from lucid.models.maxxvit.model import MaxxVit
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["maxvit_tiny", "maxvit_small", "maxvit_base", "maxvit_large", "maxvit_xlarge"]


def _maxvit(stem, widths, depths, num_classes, weights, kwargs) -> MaxxVit:
    model = MaxxVit(widths, depths, stem, ("M",) * 4, flavour="tf", stem_bias=True,
                    num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def maxvit_tiny(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
    """MaxViT-T: 30,916,528 parameters with 1000 classes (timm maxvit_tiny_tf_224)."""
    return _maxvit(64, (64, 128, 256, 512), (2, 2, 5, 2), num_classes, weights, kwargs)


@register_model
def maxvit_small(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
    """MaxViT-S: 68,927,956 parameters with 1000 classes (timm maxvit_small_tf_224)."""
    return _maxvit(64, (96, 192, 384, 768), (2, 2, 5, 2), num_classes, weights, kwargs)


@register_model
def maxvit_base(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
    """MaxViT-B: 119,467,708 parameters with 1000 classes (timm maxvit_base_tf_224)."""
    return _maxvit(64, (96, 192, 384, 768), (2, 6, 14, 2), num_classes, weights, kwargs)


@register_model
def maxvit_large(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
    """MaxViT-L: 211,785,560 parameters with 1000 classes (timm maxvit_large_tf_224)."""
    return _maxvit(128, (128, 256, 512, 1024), (2, 6, 14, 2), num_classes, weights, kwargs)


@register_model
def maxvit_xlarge(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
    """MaxViT-XL: 474,951,952 parameters with 1000 classes (timm maxvit_xlarge_tf_224
    built with num_classes=1000; its default head has 21,843 classes)."""
    return _maxvit(192, (192, 384, 768, 1536), (2, 6, 14, 2), num_classes, weights, kwargs)
