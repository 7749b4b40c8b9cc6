"""MobileNetV4 (Qin et al., "MobileNetV4: Universal Models for the Mobile Ecosystem",
ECCV 2024, Tables 11-15) with timm's structure and parameter names (``mobilenetv4_*``).

``conv_stem`` (3x3, stride 2) + ``bn1`` + act; five ``blocks`` stages built from

- ``("cn", k, stride, C')``: conv k x k + BN + act (timm ``ConvBnAct``: ``conv``, ``bn1``);
- ``("er", k, stride, e, C')``: fused inverted bottleneck
  (:class:`~lucid.models.blocks.EdgeResidual`);
- ``("uib", a, k, stride, e, C')``: universal inverted bottleneck
  (:class:`~lucid.models.blocks.UniversalInvertedBottleneck`; start/middle depthwise
  kernels ``a``/``k``, 0 for none);
- ``("mqa", heads, kv_stride, key_dim)``: mobile multi-query attention
  (:class:`~lucid.models.blocks.MobileAttention`, hybrids only);

then global average pooling, ``conv_head`` (1x1 to 1280, no bias) + ``norm_head`` + act,
and a linear ``classifier``. The hybrids add layer scale (``gamma = 1e-5``) to every UIB
and attention block. Activation: ReLU, except GELU in Hybrid-Large. Convolutions start from
``normal(0, sqrt(2 / fan_out))`` (TF's MnasNet scheme, as timm), attention projections
from ``xavier_uniform``.

Parameters with 1000 classes (timm's counts): Conv-S 3,774,024; Conv-M 9,715,512;
Conv-L 32,590,864; Hybrid-M 11,074,648; Hybrid-L 37,764,624.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks import EdgeResidual, MobileAttention, UniversalInvertedBottleneck
from lucid.models.blocks.mobile_attention import MultiQueryAttention2d
from lucid.models.model_init import init_goog_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["MobileNetV4", "mobilenet_v4_conv_small", "mobilenet_v4_conv_medium",
           "mobilenet_v4_conv_large", "mobilenet_v4_hybrid_medium", "mobilenet_v4_hybrid_large"]


def _uib(a, k, s, e, c, n=1):
    """``n`` UIB rows; only the first has stride ``s``."""
    return [("uib", a, k, s, e, c)] + [("uib", a, k, 1, e, c)] * (n - 1)


_HEAD = [[("cn", 1, 1, 960)]]
_CONV_SMALL = [
    [("cn", 3, 2, 32), ("cn", 1, 1, 32)],
    [("cn", 3, 2, 96), ("cn", 1, 1, 64)],
    [*_uib(5, 5, 2, 3, 96), *_uib(0, 3, 1, 2, 96, 4), *_uib(3, 0, 1, 4, 96)],
    [*_uib(3, 3, 2, 6, 128), *_uib(5, 5, 1, 4, 128), *_uib(0, 5, 1, 4, 128),
     *_uib(0, 5, 1, 3, 128), *_uib(0, 3, 1, 4, 128, 2)],
] + _HEAD
_CONV_MEDIUM = [
    [("er", 3, 2, 4, 48)],
    [*_uib(3, 5, 2, 4, 80), *_uib(3, 3, 1, 2, 80)],
    [*_uib(3, 5, 2, 6, 160), *_uib(3, 3, 1, 4, 160, 2), *_uib(3, 5, 1, 4, 160),
     *_uib(3, 3, 1, 4, 160), *_uib(3, 0, 1, 4, 160), *_uib(0, 0, 1, 2, 160),
     *_uib(3, 0, 1, 4, 160)],
    [*_uib(5, 5, 2, 6, 256), *_uib(5, 5, 1, 4, 256), *_uib(3, 5, 1, 4, 256, 2),
     *_uib(0, 0, 1, 4, 256), *_uib(3, 0, 1, 4, 256), *_uib(3, 5, 1, 2, 256),
     *_uib(5, 5, 1, 4, 256), *_uib(0, 0, 1, 4, 256, 2), *_uib(5, 0, 1, 2, 256)],
] + _HEAD
_CONV_LARGE = [
    [("er", 3, 2, 4, 48)],
    [*_uib(3, 5, 2, 4, 96), *_uib(3, 3, 1, 4, 96)],
    [*_uib(3, 5, 2, 4, 192), *_uib(3, 3, 1, 4, 192, 3), *_uib(3, 5, 1, 4, 192),
     *_uib(5, 3, 1, 4, 192, 5), *_uib(3, 0, 1, 4, 192)],
    [*_uib(5, 5, 2, 4, 512, 4), *_uib(5, 0, 1, 4, 512), *_uib(5, 3, 1, 4, 512),
     *_uib(5, 0, 1, 4, 512, 2), *_uib(5, 3, 1, 4, 512), *_uib(5, 5, 1, 4, 512),
     *_uib(5, 0, 1, 4, 512, 3)],
] + _HEAD
_MQA_M2, _MQA_M3 = ("mqa", 4, 2, 64), ("mqa", 4, 1, 64)
_HYBRID_MEDIUM = [
    [("er", 3, 2, 4, 48)],
    [*_uib(3, 5, 2, 4, 80), *_uib(3, 3, 1, 2, 80)],
    [*_uib(3, 5, 2, 6, 160), *_uib(0, 0, 1, 2, 160), *_uib(3, 3, 1, 4, 160),
     *_uib(3, 5, 1, 4, 160), _MQA_M2, *_uib(3, 3, 1, 4, 160), _MQA_M2,
     *_uib(3, 0, 1, 4, 160), _MQA_M2, *_uib(3, 3, 1, 4, 160), _MQA_M2,
     *_uib(3, 0, 1, 4, 160)],
    [*_uib(5, 5, 2, 6, 256), *_uib(5, 5, 1, 4, 256), *_uib(3, 5, 1, 4, 256, 2),
     *_uib(0, 0, 1, 2, 256), *_uib(3, 5, 1, 2, 256), *_uib(0, 0, 1, 2, 256),
     *_uib(0, 0, 1, 4, 256), _MQA_M3, *_uib(3, 0, 1, 4, 256), _MQA_M3,
     *_uib(5, 5, 1, 4, 256), _MQA_M3, *_uib(5, 0, 1, 4, 256), _MQA_M3,
     *_uib(5, 0, 1, 4, 256)],
] + _HEAD
_MQA_L2, _MQA_L3 = ("mqa", 8, 2, 48), ("mqa", 8, 1, 64)
_HYBRID_LARGE = [
    [("er", 3, 2, 4, 48)],
    [*_uib(3, 5, 2, 4, 96), *_uib(3, 3, 1, 4, 96)],
    [*_uib(3, 5, 2, 4, 192), *_uib(3, 3, 1, 4, 192, 3), *_uib(3, 5, 1, 4, 192),
     *_uib(5, 3, 1, 4, 192, 2), _MQA_L2, *_uib(5, 3, 1, 4, 192), _MQA_L2,
     *_uib(5, 3, 1, 4, 192), _MQA_L2, *_uib(5, 3, 1, 4, 192), _MQA_L2,
     *_uib(3, 0, 1, 4, 192)],
    [*_uib(5, 5, 2, 4, 512, 4), *_uib(5, 0, 1, 4, 512), *_uib(5, 3, 1, 4, 512),
     *_uib(5, 0, 1, 4, 512, 2), *_uib(5, 3, 1, 4, 512), *_uib(5, 5, 1, 4, 512), _MQA_L3,
     *_uib(5, 0, 1, 4, 512), _MQA_L3, *_uib(5, 0, 1, 4, 512), _MQA_L3,
     *_uib(5, 0, 1, 4, 512), _MQA_L3, *_uib(5, 0, 1, 4, 512)],
] + _HEAD


class _ConvBnAct(nn.Module):
    """``act(bn1(conv(x)))``, timm's ``ConvBnAct`` names (MobileNetV4's plain conv layer)."""

    def __init__(self, cin: int, cout: int, k: int, stride: int, activation) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.act = activation()

    def forward(self, x):
        return self.act(self.bn1(self.conv(x)))


def _block(spec, cin: int, activation, layer_scale, drop_path: float):
    """One block from its table row; returns (module, output channels)."""
    kind = spec[0]
    if kind == "cn":
        _, k, s, c = spec
        return _ConvBnAct(cin, c, k, s, activation), c
    if kind == "er":
        _, k, s, e, c = spec
        return EdgeResidual(cin, c, k, s, e, activation, drop_path), c
    if kind == "uib":
        _, a, k, s, e, c = spec
        return UniversalInvertedBottleneck(cin, c, a, k, s, e, activation, layer_scale,
                                           drop_path), c
    _, heads, kv_stride, key_dim = spec
    return MobileAttention(cin, heads, key_dim, kv_stride, layer_scale, drop_path), cin


class MobileNetV4(nn.Module):
    """MobileNetV4 from a stage table (rows as in the module docstring).

    Args:
        stages: list of stages, each a list of block rows.
        stem_channels: 32 (small, medium) or 24 (large).
        activation: module class. layer_scale: initial gamma of UIB/attention (None: none).
        num_classes (1000), head_channels (1280), drop_path_rate (0.0, linear over blocks),
        dropout (0.0), in_channels (3).
    """

    def __init__(self, stages, stem_channels: int, activation: type[nn.Module] = nn.ReLU,
                 layer_scale: float | None = None, num_classes: int = 1000,
                 head_channels: int = 1280, drop_path_rate: float = 0.0, dropout: float = 0.0,
                 in_channels: int = 3) -> None:
        super().__init__()
        self.conv_stem = nn.Conv2d(in_channels, stem_channels, 3, stride=2, padding=1,
                                   bias=False)
        self.bn1 = nn.BatchNorm2d(stem_channels)
        self.act1 = activation()
        total = sum(len(stage) for stage in stages)
        channels, index, built = stem_channels, 0, []
        for stage in stages:
            blocks = []
            for spec in stage:
                block, channels = _block(spec, channels, activation, layer_scale,
                                         drop_path_rate * index / total)
                blocks.append(block)
                index += 1
            built.append(nn.Sequential(*blocks))
        self.blocks = nn.Sequential(*built)
        self.conv_head = nn.Conv2d(channels, head_channels, 1, bias=False)
        self.norm_head = nn.BatchNorm2d(head_channels)
        self.act2 = activation()
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(head_channels, num_classes)
        init_goog_(self)
        for m in self.modules():
            if isinstance(m, MultiQueryAttention2d):
                m.reset_parameters()

    def forward(self, x):
        x = self.blocks(self.act1(self.bn1(self.conv_stem(x))))
        x = x.mean(axis=(2, 3), keepdims=True)
        x = self.act2(self.norm_head(self.conv_head(x))).flatten(1)
        return self.classifier(self.dropout(x))


def _v4(stages, stem, activation, layer_scale, num_classes, weights, kwargs) -> MobileNetV4:
    model = MobileNetV4(stages, stem, activation, layer_scale, num_classes=num_classes,
                        **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def mobilenet_v4_conv_small(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV4:
    """MobileNetV4-Conv-S: 3,774,024 parameters with 1000 classes."""
    return _v4(_CONV_SMALL, 32, nn.ReLU, None, num_classes, weights, kwargs)


@register_model
def mobilenet_v4_conv_medium(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV4:
    """MobileNetV4-Conv-M: 9,715,512 parameters with 1000 classes."""
    return _v4(_CONV_MEDIUM, 32, nn.ReLU, None, num_classes, weights, kwargs)


@register_model
def mobilenet_v4_conv_large(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV4:
    """MobileNetV4-Conv-L: 32,590,864 parameters with 1000 classes."""
    return _v4(_CONV_LARGE, 24, nn.ReLU, None, num_classes, weights, kwargs)


@register_model
def mobilenet_v4_hybrid_medium(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV4:
    """MobileNetV4-Hybrid-M: 11,074,648 parameters with 1000 classes."""
    return _v4(_HYBRID_MEDIUM, 32, nn.ReLU, 1e-5, num_classes, weights, kwargs)


@register_model
def mobilenet_v4_hybrid_large(num_classes: int = 1000, weights=None, **kwargs) -> MobileNetV4:
    """MobileNetV4-Hybrid-L: 37,764,624 parameters with 1000 classes (GELU activations)."""
    return _v4(_HYBRID_LARGE, 24, nn.GELU, 1e-5, num_classes, weights, kwargs)
