"""EfficientFormer (Li et al., "EfficientFormer: Vision Transformers at MobileNet Speed",
NeurIPS 2022) with timm's structure, parameter names and initialisation.

A convolutional stem ``(conv3x3 s2 -> BN -> ReLU) x 2`` (stride 4), four stages (the later
three start with ``conv3x3 s2 -> BN``) of MetaBlocks, the last ``num_vit`` blocks of the
last stage on flattened tokens::

    MetaBlock4D (N, C, H, W):   x = x + ls1 * (avgpool3x3(x) - x)           (PoolFormer mixer)
                                x = x + ls2 * BN(conv1x1(GELU(BN(conv1x1(x)))))   ratio 4
    MetaBlock3D (N, HW, C):     x = x + ls1 * Attn(LN(x)),  x = x + ls2 * MLP(LN(x))
    Attn: 8 heads, key dim 32, value dim 4 * 32; softmax(q k^T / sqrt(32) + B) v, with a
          learnt bias per head and per 2-D offset |dy|, |dx| on the 7x7 grid (LeViT style)

then ``LayerNorm``, the token mean, and two linear heads (``head`` and the distillation
head ``head_dist``) whose outputs are averaged. Layer scales start at 1e-5; linear layers
``trunc_normal(std=0.02)``, biases 0. The attention grid is fixed at 7x7, so the input must
be 224x224 (32 x 7) for the 3-D blocks.

Variants (widths; depths; 3-D blocks) and parameters with 1000 classes (timm):
l1 (48, 96, 224, 448; 3, 2, 6, 4; 1) 12,289,928; l3 (64, 128, 320, 512; 4, 4, 12, 6; 4)
31,406,000; l7 (96, 192, 384, 768; 6, 6, 18, 8; 8) 82,229,328.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.blocks.layer_scale import LayerScale, LayerScale2d
from lucid.models.blocks.mlp import Mlp
from lucid.models.blocks.vit_attention import merge_heads
from lucid.models.registry import register_model
from lucid.nn import functional as F
from lucid.weights.api import load_weights_into

__all__ = ["EfficientFormer", "efficientformer_l1", "efficientformer_l3", "efficientformer_l7"]


class EfficientFormerAttention(nn.Module):
    """Multi-head self-attention with a learnt bias per head and grid offset (``resolution``
    x ``resolution`` tokens); names ``qkv``, ``proj``, ``attention_biases`` and the index
    buffer ``attention_bias_idxs`` follow timm."""

    def __init__(self, dim: int, key_dim: int = 32, num_heads: int = 8,
                 attn_ratio: int = 4, resolution: int = 7) -> None:
        super().__init__()
        self.num_heads, self.key_dim, self.val_dim = num_heads, key_dim, attn_ratio * key_dim
        self.qkv = nn.Linear(dim, num_heads * (2 * key_dim + self.val_dim))
        self.proj = nn.Linear(num_heads * self.val_dim, dim)
        ys, xs = np.meshgrid(np.arange(resolution), np.arange(resolution), indexing="ij")
        pos = np.stack([ys.ravel(), xs.ravel()])
        offset = np.abs(pos[:, :, None] - pos[:, None, :])
        index = offset[0] * resolution + offset[1]
        self.attention_biases = nn.Parameter(lucid.zeros(num_heads, resolution * resolution))
        # the buffer is kept for timm's state dicts; the lookup uses the host copy (so the
        # model also runs on the data-less meta device)
        self.register_buffer("attention_bias_idxs", lucid.tensor(index, dtype=lucid.int64))
        self._bias_index = index

    def forward(self, x):
        n, length, _ = x.shape
        if length != self._bias_index.shape[0]:
            raise ShapeError(f"EfficientFormerAttention: {length} tokens, but the attention "
                             f"bias covers {self._bias_index.shape[0]} (224x224 input)")
        qkv = self.qkv(x).reshape(n, length, self.num_heads, -1).permute(0, 2, 1, 3)
        k0, k1 = self.key_dim, 2 * self.key_dim
        q, k, v = qkv[..., :k0], qkv[..., k0:k1], qkv[..., k1:]
        bias = self.attention_biases[:, self._bias_index]
        return self.proj(merge_heads(F.scaled_dot_product_attention(q, k, v, attn_mask=bias)))


class Pooling(nn.Module):
    """PoolFormer's token mixer ``avgpool3x3(x) - x`` (padding not counted)."""

    def __init__(self, pool_size: int = 3) -> None:
        super().__init__()
        self.pool = nn.AvgPool2d(pool_size, stride=1, padding=pool_size // 2,
                                 count_include_pad=False)

    def forward(self, x):
        return self.pool(x) - x


class ConvMlpWithNorm(nn.Module):
    """``BN(conv1x1(GELU(BN(conv1x1(x)))))`` (timm names ``fc1``, ``norm1``, ``fc2``,
    ``norm2``)."""

    def __init__(self, dim: int, hidden: int, drop: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.norm1 = nn.BatchNorm2d(hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(hidden, dim, 1)
        self.norm2 = nn.BatchNorm2d(dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        x = self.drop(self.act(self.norm1(self.fc1(x))))
        return self.drop(self.norm2(self.fc2(x)))


class MetaBlock2d(nn.Module):
    def __init__(self, dim: int, mlp_ratio: float = 4.0, drop: float = 0.0,
                 drop_path: float = 0.0, layer_scale: float = 1e-5) -> None:
        super().__init__()
        self.token_mixer = Pooling()
        self.ls1 = LayerScale2d(dim, layer_scale)
        self.mlp = ConvMlpWithNorm(dim, int(dim * mlp_ratio), drop)
        self.ls2 = LayerScale2d(dim, layer_scale)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.ls1(self.token_mixer(x)))
        return x + self.drop_path(self.ls2(self.mlp(x)))


class MetaBlock1d(nn.Module):
    def __init__(self, dim: int, mlp_ratio: float = 4.0, drop: float = 0.0,
                 drop_path: float = 0.0, layer_scale: float = 1e-5) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.token_mixer = EfficientFormerAttention(dim)
        self.ls1 = LayerScale(dim, layer_scale)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=drop)
        self.ls2 = LayerScale(dim, layer_scale)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        x = x + self.drop_path(self.ls1(self.token_mixer(self.norm1(x))))
        return x + self.drop_path(self.ls2(self.mlp(self.norm2(x))))


class Flat(nn.Module):
    """``(N, C, H, W) -> (N, HW, C)``."""

    def forward(self, x):
        return x.flatten(2).transpose(1, 2)


class ConvBN(nn.Module):
    """``BN(conv(x))`` (names ``conv``, ``norm``): the stage downsampler, k3 s2."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1)
        self.norm = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return self.norm(self.conv(x))


class EfficientFormerStage(nn.Module):
    def __init__(self, dim: int, dim_out: int, depth: int, downsample: bool, num_vit: int,
                 drop_paths: Sequence[float], mlp_ratio: float = 4.0, drop: float = 0.0,
                 layer_scale: float = 1e-5) -> None:
        super().__init__()
        self.downsample = ConvBN(dim, dim_out) if downsample else nn.Identity()
        blocks = [] if num_vit < depth else [Flat()]
        for i in range(depth):
            remaining = depth - i - 1
            kind = MetaBlock1d if num_vit > remaining else MetaBlock2d
            blocks.append(kind(dim_out, mlp_ratio, drop, drop_paths[i], layer_scale))
            if num_vit and num_vit == remaining:
                blocks.append(Flat())
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.downsample(x))


class EfficientFormer(nn.Module):
    """EfficientFormer: ``stem``, ``stages``, ``norm``, ``head`` + ``head_dist`` (averaged).

    Args:
        widths, depths: per stage. num_vit: 3-D (attention) blocks at the end of the last
        stage. num_classes (1000), drop_rate (0: head dropout), drop_path_rate (0),
        layer_scale (1e-5), in_channels (3).
    """

    def __init__(self, widths: Sequence[int], depths: Sequence[int], num_vit: int,
                 num_classes: int = 1000, drop_rate: float = 0.0, drop_path_rate: float = 0.0,
                 layer_scale: float = 1e-5, in_channels: int = 3) -> None:
        super().__init__()
        half = widths[0] // 2
        self.stem = nn.Sequential()
        for name, module in (("conv1", nn.Conv2d(in_channels, half, 3, 2, 1)),
                             ("norm1", nn.BatchNorm2d(half)), ("act1", nn.ReLU()),
                             ("conv2", nn.Conv2d(half, widths[0], 3, 2, 1)),
                             ("norm2", nn.BatchNorm2d(widths[0])), ("act2", nn.ReLU())):
            self.stem.add_module(name, module)
        rates = np.linspace(0.0, drop_path_rate, sum(depths)).tolist()
        stages, prev, start = [], widths[0], 0
        for i, (width, depth) in enumerate(zip(widths, depths)):
            last = i == len(widths) - 1
            stages.append(EfficientFormerStage(prev, width, depth, i > 0,
                                               num_vit if last else 0,
                                               rates[start:start + depth],
                                               layer_scale=layer_scale))
            prev, start = width, start + depth
        self.stages = nn.Sequential(*stages)
        self.norm = nn.LayerNorm(widths[-1])
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.Linear(widths[-1], num_classes)
        self.head_dist = nn.Linear(widths[-1], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.norm(self.stages(self.stem(x)))
        x = self.head_drop(x.mean(axis=1))
        return (self.head(x) + self.head_dist(x)) / 2


def _efficientformer(widths, depths, num_vit, num_classes, weights, kwargs):
    model = EfficientFormer(widths, depths, num_vit, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def efficientformer_l1(num_classes: int = 1000, weights=None, **kwargs) -> EfficientFormer:
    """EfficientFormer-L1: 12,289,928 parameters with 1000 classes (timm)."""
    return _efficientformer((48, 96, 224, 448), (3, 2, 6, 4), 1, num_classes, weights, kwargs)


@register_model
def efficientformer_l3(num_classes: int = 1000, weights=None, **kwargs) -> EfficientFormer:
    """EfficientFormer-L3: 31,406,000 parameters with 1000 classes (timm)."""
    return _efficientformer((64, 128, 320, 512), (4, 4, 12, 6), 4, num_classes, weights, kwargs)


@register_model
def efficientformer_l7(num_classes: int = 1000, weights=None, **kwargs) -> EfficientFormer:
    """EfficientFormer-L7: 82,229,328 parameters with 1000 classes (timm)."""
    return _efficientformer((96, 192, 384, 768), (6, 6, 18, 8), 8, num_classes, weights, kwargs)
