"""ConvNeXt V2 (Woo et al., "ConvNeXt V2: Co-designing and Scaling ConvNets with Masked
Autoencoders", CVPR 2023) with timm's structure and parameter names (``convnextv2_*``).

``stem = Conv2d(3, C0, 4, stride 4) -> LayerNorm2d``; four ``stages``, each a
``downsample`` (``LayerNorm2d -> Conv2d(k=2, stride 2)``, none in the first) and ``blocks``;
``head``: global average pooling, ``LayerNorm2d``, ``fc``. A block replaces V1's layer scale
by global response normalisation (``nn.GlobalResponseNorm``) inside the MLP::

    h = LayerNorm(dwconv7x7(x))
    h = fc2(GRN(GELU(fc1(h))))            fc1: C -> 4C, fc2: 4C -> C
    y = x + drop_path(h)

The small variants (atto..nano) run the MLP as 1x1 convolutions on ``(N, C, H, W)``
(timm's ``conv_mlp=True``: ``fc1.weight`` is ``(4C, C, 1, 1)``, the norm a ``LayerNorm2d``);
tiny..huge permute to channels-last and use linear layers (``(4C, C)``). Convolutions
and linear layers start from ``trunc_normal(std=0.02)``, biases 0; LayerNorm ``eps=1e-6``.

Variants (channels; blocks) and parameters with 1000 classes (timm's counts):
atto (40..320; 2, 2, 6, 2) 3,708,400; femto (48..384; 2, 2, 6, 2) 5,233,240;
pico (64..512; 2, 2, 6, 2) 9,066,280; nano (80..640; 2, 2, 8, 2) 15,623,800;
tiny (96..768; 3, 3, 9, 3) 28,635,496; base (128..1024; 3, 3, 27, 3) 88,717,800;
large (192..1536; 3, 3, 27, 3) 197,956,840; huge (352..2816; 3, 3, 27, 3) 660,289,640.
Widths double from stage to stage.
"""

from __future__ import annotations

from collections.abc import Sequence

from lucid import nn
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.model_init import init_trunc_normal_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["ConvNeXtV2", "ConvNeXtV2Block", "convnext_v2_atto", "convnext_v2_femto",
           "convnext_v2_pico", "convnext_v2_nano", "convnext_v2_tiny", "convnext_v2_base",
           "convnext_v2_large", "convnext_v2_huge"]


class _GRNMlp(nn.Module):
    """``fc2(GRN(GELU(fc1(x))))`` as 1x1 convolutions (``conv=True``, channels first) or
    linear layers (channels last); timm's ``GlobalResponseNormMlp`` names."""

    def __init__(self, dim: int, hidden: int, conv: bool) -> None:
        super().__init__()
        fc = (lambda i, o: nn.Conv2d(i, o, 1)) if conv else nn.Linear
        self.fc1 = fc(dim, hidden)
        self.act = nn.GELU()
        self.grn = nn.GlobalResponseNorm(hidden, channels_last=not conv)
        self.fc2 = fc(hidden, dim)

    def forward(self, x):
        return self.fc2(self.grn(self.act(self.fc1(x))))


class ConvNeXtV2Block(nn.Module):
    """``x + drop_path(mlp(norm(conv_dw(x))))`` (see the module docstring)."""

    def __init__(self, dim: int, drop_path: float = 0.0, conv_mlp: bool = False) -> None:
        super().__init__()
        self.conv_mlp = conv_mlp
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = LayerNorm2d(dim) if conv_mlp else nn.LayerNorm(dim, eps=1e-6)
        self.mlp = _GRNMlp(dim, 4 * dim, conv_mlp)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        h = self.conv_dw(x)
        if self.conv_mlp:
            h = self.mlp(self.norm(h))
        else:
            h = self.mlp(self.norm(h.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        return x + self.drop_path(h)


class _Stage(nn.Module):
    def __init__(self, in_dim: int, dim: int, depth: int, drop_paths, conv_mlp: bool) -> None:
        super().__init__()
        self.downsample = nn.Identity() if in_dim == dim else nn.Sequential(
            LayerNorm2d(in_dim), nn.Conv2d(in_dim, dim, 2, stride=2))
        self.blocks = nn.Sequential(*[ConvNeXtV2Block(dim, drop_paths[i], conv_mlp)
                                      for i in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class _Head(nn.Module):
    def __init__(self, dim: int, num_classes: int) -> None:
        super().__init__()
        self.norm = LayerNorm2d(dim)
        self.fc = nn.Linear(dim, num_classes)

    def forward(self, x):
        return self.fc(self.norm(x.mean(axis=(2, 3), keepdims=True)).flatten(1))


class ConvNeXtV2(nn.Module):
    """ConvNeXt V2: ``stem``, ``stages``, ``head``.

    Args:
        dims, depths: channels and blocks of the four stages.
        conv_mlp: MLPs as 1x1 convolutions (timm's choice for atto..nano).
        num_classes (1000), drop_path_rate (0.0: linear from 0 to it over the blocks),
        in_channels (3).
    """

    def __init__(self, dims: Sequence[int], depths: Sequence[int], conv_mlp: bool = False,
                 num_classes: int = 1000, drop_path_rate: float = 0.0,
                 in_channels: int = 3) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, dims[0], 4, stride=4),
                                  LayerNorm2d(dims[0]))
        total = sum(depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        stages, prev, start = [], dims[0], 0
        for dim, depth in zip(dims, depths):
            stages.append(_Stage(prev, dim, depth, rates[start:start + depth], conv_mlp))
            prev, start = dim, start + depth
        self.stages = nn.Sequential(*stages)
        self.head = _Head(dims[-1], num_classes)
        init_trunc_normal_(self)

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


def _v2(dims, depths, conv_mlp, num_classes, weights, kwargs) -> ConvNeXtV2:
    model = ConvNeXtV2(dims, depths, conv_mlp=conv_mlp, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


def _widths(c: int) -> tuple[int, ...]:
    return (c, 2 * c, 4 * c, 8 * c)


@register_model
def convnext_v2_atto(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Atto: 3,708,400 parameters with 1000 classes."""
    return _v2(_widths(40), (2, 2, 6, 2), True, num_classes, weights, kwargs)


@register_model
def convnext_v2_femto(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Femto: 5,233,240 parameters with 1000 classes."""
    return _v2(_widths(48), (2, 2, 6, 2), True, num_classes, weights, kwargs)


@register_model
def convnext_v2_pico(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Pico: 9,066,280 parameters with 1000 classes."""
    return _v2(_widths(64), (2, 2, 6, 2), True, num_classes, weights, kwargs)


@register_model
def convnext_v2_nano(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Nano: 15,623,800 parameters with 1000 classes."""
    return _v2(_widths(80), (2, 2, 8, 2), True, num_classes, weights, kwargs)


@register_model
def convnext_v2_tiny(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Tiny: 28,635,496 parameters with 1000 classes."""
    return _v2(_widths(96), (3, 3, 9, 3), False, num_classes, weights, kwargs)


@register_model
def convnext_v2_base(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Base: 88,717,800 parameters with 1000 classes."""
    return _v2(_widths(128), (3, 3, 27, 3), False, num_classes, weights, kwargs)


@register_model
def convnext_v2_large(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Large: 197,956,840 parameters with 1000 classes."""
    return _v2(_widths(192), (3, 3, 27, 3), False, num_classes, weights, kwargs)


@register_model
def convnext_v2_huge(num_classes: int = 1000, weights=None, **kwargs) -> ConvNeXtV2:
    """ConvNeXt V2-Huge: 660,289,640 parameters with 1000 classes."""
    return _v2(_widths(352), (3, 3, 27, 3), False, num_classes, weights, kwargs)
