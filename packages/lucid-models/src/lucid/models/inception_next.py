"""InceptionNeXt (Yu et al., "InceptionNeXt: When Inception Meets ConvNeXt", CVPR 2024)
with timm's structure and parameter names (``inception_next_*``, timm's ``MetaNeXt``).

ConvNeXt's macro design with its 7x7 depthwise token mixer replaced by an Inception
depthwise convolution: the channels split into an identity part and three branches of
``g = int(C * r)`` channels each::

    mixer(x) = concat(x_id, dwconv3x3(x_hw), dwconv1xb(x_w), dwconvbx1(x_h))
    y = x + drop_path(gamma * fc2(GELU(fc1(BN(mixer(x))))))    fc: 1x1 convs, C -> mC -> C

with band kernel ``b = 11`` and ``r = 1/8`` (atto: ``b = 9``, ``r = 1/4``), MLP ratios
``m = (4, 4, 4, 3)`` per stage and layer scale ``gamma`` starting at 1e-6. ``stem`` is a
4x4 stride-4 convolution + batch norm, each later stage starts with a ``downsample``
(BN, 2x2 stride-2 conv), and the ``head`` is global average pooling then
``fc1 (C -> 3C) -> GELU -> LayerNorm -> fc2``. Convolutions and linear layers start from
``trunc_normal(std=0.02)``, biases 0.

Variants (channels; blocks) and parameters with 1000 classes (timm's counts):
atto (40, 80, 160, 320; 2, 2, 6, 2) 4,156,520; tiny (96, 192, 384, 768; 3, 3, 9, 3)
28,055,680; small (96..768; 3, 3, 27, 3) 49,374,016; base (128..1024; 3, 3, 27, 3)
86,672,136.
"""

from __future__ import annotations

from collections.abc import Sequence

import lucid
from lucid import nn
from lucid.models.model_init import init_trunc_normal_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["InceptionNeXt", "InceptionDWConv2d", "inception_next_atto", "inception_next_tiny",
           "inception_next_small", "inception_next_base"]


class InceptionDWConv2d(nn.Module):
    """The Inception depthwise token mixer (see the module docstring).

    Args:
        channels: C. square_kernel (3), band_kernel (11), branch_ratio (0.125).
    """

    def __init__(self, channels: int, square_kernel: int = 3, band_kernel: int = 11,
                 branch_ratio: float = 0.125) -> None:
        super().__init__()
        g = int(channels * branch_ratio)
        sq, band = square_kernel // 2, band_kernel // 2
        self.dwconv_hw = nn.Conv2d(g, g, square_kernel, padding=sq, groups=g)
        self.dwconv_w = nn.Conv2d(g, g, (1, band_kernel), padding=(0, band), groups=g)
        self.dwconv_h = nn.Conv2d(g, g, (band_kernel, 1), padding=(band, 0), groups=g)
        self.identity_channels, self.branch_channels = channels - 3 * g, g

    def forward(self, x):
        i, g = self.identity_channels, self.branch_channels
        return lucid.concatenate([x[:, :i], self.dwconv_hw(x[:, i:i + g]),
                                  self.dwconv_w(x[:, i + g:i + 2 * g]),
                                  self.dwconv_h(x[:, i + 2 * g:])], axis=1)


class _ConvMlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(hidden, dim, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class _Block(nn.Module):
    """``x + drop_path(gamma * mlp(norm(token_mixer(x))))``, timm's ``MetaNeXtBlock``."""

    def __init__(self, dim: int, mlp_ratio: int, mixer: dict, drop_path: float,
                 layer_scale: float) -> None:
        super().__init__()
        self.gamma = nn.Parameter(lucid.full((dim,), layer_scale))
        self.token_mixer = InceptionDWConv2d(dim, **mixer)
        self.norm = nn.BatchNorm2d(dim)
        self.mlp = _ConvMlp(dim, mlp_ratio * dim)
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        y = self.mlp(self.norm(self.token_mixer(x)))
        return x + self.drop_path(y * self.gamma.reshape(1, -1, 1, 1))


class _Stage(nn.Module):
    def __init__(self, in_dim: int, dim: int, blocks) -> None:
        super().__init__()
        self.downsample = nn.Identity() if in_dim == dim else nn.Sequential(
            nn.BatchNorm2d(in_dim), nn.Conv2d(in_dim, dim, 2, stride=2))
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.downsample(x))


class _Head(nn.Module):
    def __init__(self, dim: int, num_classes: int, mlp_ratio: int = 3,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, mlp_ratio * dim)
        self.act = nn.GELU()
        self.norm = nn.LayerNorm(mlp_ratio * dim, eps=1e-6)
        self.drop = nn.Dropout(dropout)
        self.fc2 = nn.Linear(mlp_ratio * dim, num_classes)

    def forward(self, x):
        x = self.norm(self.act(self.fc1(x.mean(axis=(2, 3)))))
        return self.fc2(self.drop(x))


class InceptionNeXt(nn.Module):
    """InceptionNeXt: ``stem``, ``stages``, ``head`` (see the module docstring).

    Args:
        dims, depths: channels and blocks of the four stages.
        band_kernel (11), branch_ratio (0.125): token-mixer options.
        num_classes (1000), mlp_ratios ((4, 4, 4, 3)), layer_scale (1e-6),
        drop_path_rate (0.0, linear over the blocks), dropout (0.0), in_channels (3).
    """

    def __init__(self, dims: Sequence[int], depths: Sequence[int], band_kernel: int = 11,
                 branch_ratio: float = 0.125, num_classes: int = 1000,
                 mlp_ratios: Sequence[int] = (4, 4, 4, 3), layer_scale: float = 1e-6,
                 drop_path_rate: float = 0.0, dropout: float = 0.0,
                 in_channels: int = 3) -> None:
        super().__init__()
        mixer = {"band_kernel": band_kernel, "branch_ratio": branch_ratio}
        self.stem = nn.Sequential(nn.Conv2d(in_channels, dims[0], 4, stride=4),
                                  nn.BatchNorm2d(dims[0]))
        total, index, prev, stages = sum(depths), 0, dims[0], []
        for dim, depth, ratio in zip(dims, depths, mlp_ratios):
            blocks = []
            for _ in range(depth):
                p = drop_path_rate * index / max(total - 1, 1)
                blocks.append(_Block(dim, ratio, mixer, p, layer_scale))
                index += 1
            stages.append(_Stage(prev, dim, blocks))
            prev = dim
        self.stages = nn.Sequential(*stages)
        self.head = _Head(dims[-1], num_classes, dropout=dropout)
        init_trunc_normal_(self)

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


def _inception_next(dims, depths, num_classes, weights, kwargs, **mixer) -> InceptionNeXt:
    model = InceptionNeXt(dims, depths, num_classes=num_classes, **{**mixer, **kwargs})
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def inception_next_atto(num_classes: int = 1000, weights=None, **kwargs) -> InceptionNeXt:
    """InceptionNeXt-Atto (band 9, branch ratio 1/4): 4,156,520 parameters."""
    return _inception_next((40, 80, 160, 320), (2, 2, 6, 2), num_classes, weights, kwargs,
                           band_kernel=9, branch_ratio=0.25)


@register_model
def inception_next_tiny(num_classes: int = 1000, weights=None, **kwargs) -> InceptionNeXt:
    """InceptionNeXt-T: 28,055,680 parameters with 1000 classes."""
    return _inception_next((96, 192, 384, 768), (3, 3, 9, 3), num_classes, weights, kwargs)


@register_model
def inception_next_small(num_classes: int = 1000, weights=None, **kwargs) -> InceptionNeXt:
    """InceptionNeXt-S: 49,374,016 parameters with 1000 classes."""
    return _inception_next((96, 192, 384, 768), (3, 3, 27, 3), num_classes, weights, kwargs)


@register_model
def inception_next_base(num_classes: int = 1000, weights=None, **kwargs) -> InceptionNeXt:
    """InceptionNeXt-B: 86,672,136 parameters with 1000 classes."""
    return _inception_next((128, 256, 512, 1024), (3, 3, 27, 3), num_classes, weights, kwargs)
