"""CSPNet: CSPResNet-50, CSPResNeXt-50 and CSPDarknet-53 with timm's ``cspnet`` structure,
parameter names and initialisation.

Wang et al., "CSPNet: A New Backbone that can Enhance Learning Capability of CNN",
CVPRW 2020 (arXiv:1911.11929). A cross-stage-partial stage splits the feature map in two
halves; only one goes through the stage's blocks, and the two are merged by transitions::

    x = conv_exp(conv_down(x))                    # optional 3x3/2 down, 1x1 expansion
    x_s, x_b = split(x, 2 halves, channels)
    y = conv_transition(concat(x_s, conv_transition_b(blocks(x_b))))

Every convolution is ``conv (no bias) - BN - LeakyReLU(0.01)`` (timm's ``ConvNormAct``
layout: children ``conv``/``bn``), except where noted. Blocks:

- ``BottleneckBlock`` (ResNe(X)t): ``act(x + bn(conv1x1(conv3x3_g(conv1x1(x)))))``;
- ``DarkBlock`` (Darknet): ``x + conv3x3(conv1x1(x))`` (both activated, none after the sum).

Variants (timm's configurations):

======================  =============================  ================  ===========
model                   stem                            stages (depth)    parameters
======================  =============================  ================  ===========
``csp_resnet_50``       7x7/2 64, maxpool/2             3, 3, 5, 2        21,616,168
``csp_resnext_50_32x4d``  7x7/2 64, maxpool/2           3, 3, 5, 2 (g32)  20,569,896
``csp_darknet_53``      3x3 32                          1, 2, 8, 8, 4     27,642,184
======================  =============================  ================  ===========

(parameters at 1000 classes). ResNet-style stages: ``conv_exp`` is linear (no
activation), the first stage keeps the stride-4 stem resolution. Darknet stages each
start with a 3x3/2 ``conv_down`` to the stage width; the first stage expands 2x with
half-width bottlenecks, the others split the stage width in two.

Initialisation (timm's): convolutions ``kaiming_normal(fan_out)``, linear ``N(0, 0.01)``,
biases 0, and the last batch norm of every residual block starts at weight 0
(``zero_init_last=True``).

The original Lucid's CSPNets depart from the paper and timm: ResNet-50 depths
(3, 4, 6, 3) instead of CSPResNet-50's (3, 3, 5, 2), a two-convolution 3x3 stem in place
of 7x7 + max-pool (and stride 2 for Darknet), ReLU for the ResNets and LeakyReLU(0.1) for
Darknet, the stage split made by two 1x1 projections rather than one expansion and a
channel split, no ``conv_transition_b``, an extra 1x1 to 1024 channels before the head,
and different parameter names.
"""

from __future__ import annotations

from dataclasses import dataclass

import lucid
from lucid import nn
from lucid.models.model_init import init_fan_out_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["CSPNet", "CrossStage", "BottleneckBlock", "DarkBlock", "csp_resnet_50",
           "csp_resnext_50_32x4d", "csp_darknet_53"]


def _cna(in_channels: int, out_channels: int, kernel_size: int = 1, stride: int = 1,
         groups: int = 1, act: bool = True) -> nn.ConvBNReLU2d:
    """timm's ``ConvNormAct``: ``LeakyReLU(BN(conv(x)))``, padding ``k // 2``."""
    return nn.ConvBNReLU2d(in_channels, out_channels, kernel_size, stride=stride,
                           padding=kernel_size // 2, groups=groups, conv_bias=False,
                           activation=nn.LeakyReLU if act else None)


class BottleneckBlock(nn.Module):
    """``act3(x + conv3(conv2(conv1(x))))``; ``conv3`` has no activation."""

    def __init__(self, in_channels: int, out_channels: int, bottle_ratio: float,
                 groups: int = 1) -> None:
        super().__init__()
        mid = int(round(out_channels * bottle_ratio))
        self.conv1 = _cna(in_channels, mid, 1)
        self.conv2 = _cna(mid, mid, 3, groups=groups)
        self.conv3 = _cna(mid, out_channels, 1, act=False)
        self.act3 = nn.LeakyReLU()

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv3.bn.weight)

    def forward(self, x):
        return self.act3(self.conv3(self.conv2(self.conv1(x))) + x)


class DarkBlock(nn.Module):
    """``x + conv2(conv1(x))``: 1x1 to ``out * bottle_ratio``, 3x3 back."""

    def __init__(self, in_channels: int, out_channels: int, bottle_ratio: float,
                 groups: int = 1) -> None:
        super().__init__()
        mid = int(round(out_channels * bottle_ratio))
        self.conv1 = _cna(in_channels, mid, 1)
        self.conv2 = _cna(mid, out_channels, 3, groups=groups)

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv2.bn.weight)

    def forward(self, x):
        return self.conv2(self.conv1(x)) + x


@dataclass(frozen=True)
class StageCfg:
    """One cross stage: ``out`` channels, ``depth`` blocks, ``stride``, ``expand_ratio``
    (``conv_exp`` width / ``out``), ``block_ratio`` (block width / ``out``),
    ``bottle_ratio`` (block inner width / block width), ``groups`` of the 3x3s,
    ``down_growth`` (``conv_down`` goes to ``out`` rather than keeping its input width),
    ``cross_linear`` (no activation on ``conv_exp``)."""

    out: int
    depth: int
    stride: int
    expand_ratio: float
    block_ratio: float
    bottle_ratio: float
    groups: int = 1
    down_growth: bool = False
    cross_linear: bool = False


class CrossStage(nn.Module):
    """A cross-stage-partial stage (see the module docstring) of ``block`` blocks."""

    def __init__(self, in_channels: int, cfg: StageCfg, block: type[nn.Module]) -> None:
        super().__init__()
        if cfg.stride != 1:
            down = cfg.out if cfg.down_growth else in_channels
            self.conv_down = _cna(in_channels, down, 3, stride=cfg.stride, groups=cfg.groups)
        else:
            down = in_channels
            self.conv_down = nn.Identity()
        self.expand_channels = exp = int(round(cfg.out * cfg.expand_ratio))
        block_out = int(round(cfg.out * cfg.block_ratio))
        self.conv_exp = _cna(down, exp, 1, act=not cfg.cross_linear)
        self.blocks = nn.Sequential(*[
            block(exp // 2 if i == 0 else block_out, block_out, cfg.bottle_ratio, cfg.groups)
            for i in range(cfg.depth)])
        self.conv_transition_b = _cna(block_out, exp // 2, 1)
        self.conv_transition = _cna(exp, cfg.out, 1)

    def forward(self, x):
        x = self.conv_exp(self.conv_down(x))
        xs, xb = lucid.split(x, self.expand_channels // 2, dim=1)
        xb = self.conv_transition_b(self.blocks(xb))
        return self.conv_transition(lucid.concatenate([xs, xb], axis=1))


class ClassifierHead(nn.Module):
    """``fc(drop(flatten(global_avg_pool(x))))`` (timm's ``ClassifierHead`` names)."""

    def __init__(self, in_features: int, num_classes: int, drop_rate: float = 0.0) -> None:
        super().__init__()
        self.global_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.drop = nn.Dropout(p=drop_rate)
        self.fc = nn.Linear(in_features, num_classes)

    def forward(self, x):
        return self.fc(self.drop(self.global_pool(x).flatten(1)))


class CSPNet(nn.Module):
    """A cross-stage-partial network.

    Args:
        stages: one :class:`StageCfg` per stage.
        block: :class:`BottleneckBlock` or :class:`DarkBlock`.
        stem_channels, stem_kernel_size, stem_stride: the stem convolution.
        stem_pool: a 3x3/2 max-pool after it.
        num_classes (1000), in_channels (3), drop_rate (0, dropout before ``head.fc``).
        zero_init_last: start each block's last batch-norm weight at 0 (default True).
    """

    def __init__(self, stages: tuple[StageCfg, ...], block: type[nn.Module],
                 stem_channels: int, stem_kernel_size: int, stem_stride: int,
                 stem_pool: bool, num_classes: int = 1000, in_channels: int = 3,
                 drop_rate: float = 0.0, zero_init_last: bool = True) -> None:
        super().__init__()
        self.stem = nn.Sequential()
        self.stem.add_module("conv1", _cna(in_channels, stem_channels, stem_kernel_size,
                                           stride=stem_stride))
        if stem_pool:
            self.stem.add_module("pool", nn.MaxPool2d(3, stride=2, padding=1))
        width, layers = stem_channels, []
        for cfg in stages:
            layers.append(CrossStage(width, cfg, block))
            width = cfg.out
        self.stages = nn.Sequential(*layers)
        self.head = ClassifierHead(width, num_classes, drop_rate)
        init_fan_out_(self, linear="normal")
        if zero_init_last:
            for m in self.modules():
                if isinstance(m, (BottleneckBlock, DarkBlock)):
                    m.zero_init_last()

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


def _resnet_stages(out, expand, block_ratio, bottle, groups):
    return tuple(StageCfg(o, d, s, expand, block_ratio, bottle, groups, cross_linear=True)
                 for o, d, s in zip(out, (3, 3, 5, 2), (1, 2, 2, 2)))


_RESNET_STEM = dict(stem_channels=64, stem_kernel_size=7, stem_stride=2, stem_pool=True)
_CONFIGS = {
    "csp_resnet_50": dict(
        stages=_resnet_stages((128, 256, 512, 1024), 2.0, 1.0, 0.5, 1),
        block=BottleneckBlock, **_RESNET_STEM),
    "csp_resnext_50_32x4d": dict(
        stages=_resnet_stages((256, 512, 1024, 2048), 1.0, 0.5, 1.0, 32),
        block=BottleneckBlock, **_RESNET_STEM),
    "csp_darknet_53": dict(
        stages=tuple(StageCfg(o, d, 2, 2.0 if i == 0 else 1.0, 1.0 if i == 0 else 0.5,
                              0.5 if i == 0 else 1.0, down_growth=True)
                     for i, (o, d) in enumerate(zip((64, 128, 256, 512, 1024),
                                                    (1, 2, 8, 8, 4)))),
        block=DarkBlock, stem_channels=32, stem_kernel_size=3, stem_stride=1,
        stem_pool=False),
}


def _cspnet(name, num_classes, weights, kwargs) -> CSPNet:
    model = CSPNet(**_CONFIGS[name], num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def csp_resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> CSPNet:
    """CSPResNet-50 (timm ``cspresnet50``): 21,616,168 parameters at 1000 classes."""
    return _cspnet("csp_resnet_50", num_classes, weights, kwargs)


@register_model
def csp_resnext_50_32x4d(num_classes: int = 1000, weights=None, **kwargs) -> CSPNet:
    """CSPResNeXt-50 32x4d (timm ``cspresnext50``): 20,569,896 parameters at 1000 classes."""
    return _cspnet("csp_resnext_50_32x4d", num_classes, weights, kwargs)


@register_model
def csp_darknet_53(num_classes: int = 1000, weights=None, **kwargs) -> CSPNet:
    """CSPDarknet-53 (timm ``cspdarknet53``): 27,642,184 parameters at 1000 classes."""
    return _cspnet("csp_darknet_53", num_classes, weights, kwargs)
