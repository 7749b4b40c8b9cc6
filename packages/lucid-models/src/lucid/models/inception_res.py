"""Inception-ResNet v1 and v2 (Szegedy et al., "Inception-v4, Inception-ResNet and the Impact
of Residual Connections on Learning", AAAI 2017, arXiv:1602.07261).

Residual Inception blocks: the concatenated branches are projected back to the input width
by a linear 1x1 convolution (with bias, no batch norm), scaled and added::

    y = ReLU(x + scale * conv1x1(concat(branch_i(x))))

``Block35`` works on the 35x35 grid, ``Block17`` on 17x17, ``Block8`` on 8x8 (the paper's
Inception-ResNet-A/B/C); ``InceptionReductionA`` (shared with Inception v4) and
``ReductionB`` shrink the grid between them. Every other convolution is
``conv (no bias) - BN (eps 1e-3) - ReLU``.

``inception_resnet_v2`` follows timm's ``inception_resnet_v2`` (the TF-slim network Google
released weights for) name for name: stem to 35x35x192, ``mixed_5b`` to 320 channels,
10 x Block35 (scale 0.17), ``mixed_6a`` (Reduction-A 256, 256, 384, 384), 20 x Block17
(0.10), ``mixed_7a``, 9 x Block8 (0.20), a last Block8 without scale or ReLU, a 1x1
convolution to 1536 and the classifier ``classif``: 55,843,464 parameters at 1000 classes.
Departures from the paper (all TF-slim's, kept so its weights load): the paper's v2 uses
the Inception-v4 stem and 5/10/5 blocks; TF-slim a lighter stem with ``mixed_5b``,
10/20/10 blocks and the extra 1x1 convolution before pooling.

``inception_resnet_v1`` follows the paper (no independent implementation exists): the
stem of Figure 14 (``3x3/2 32, 3x3 32, 3x3 64, maxpool/2, 1x1 80, 3x3 192, 3x3/2 256``),
5 x Block35 (Figure 10: 32 | 32-32 | 32-32-32, 1x1 to 256), Reduction-A (k, l, m, n =
192, 192, 256, 384), 10 x Block17 (Figure 11: 128 | 128-1x7 128-7x1 128, 1x1 to 896),
Reduction-B (Figure 12: maxpool | 256-384/2 | 256-256/2 | 256-256-256/2), 5 x Block8
(Figure 13: 192 | 192-1x3 192-3x1 192, 1x1 to 1792), average pooling, dropout (keep 0.8)
and the classifier: 22,756,328 parameters at 1000 classes. The paper gives the residual
scales only as "between 0.1 and 0.3"; v1 uses v2's (0.17, 0.10, 0.20).
The original Lucid's ``inception_resnet_v1`` drops the residual scaling, puts biases on
every convolution before its batch norm (eps 1e-5) and uses dropout 0.8 (the paper's
*keep* probability) in place of 0.2.
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.blocks.inception_conv import inception_conv as conv
from lucid.models.blocks.inception_reduction import InceptionReductionA
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["InceptionResNetV1", "InceptionResNetV2", "inception_resnet_v1",
           "inception_resnet_v2"]


def _cat(tensors):
    return lucid.concatenate(tensors, axis=1)


class _Residual(nn.Module):
    """``act(x + scale * conv2d(concat(branches)))``; subclasses build ``branch0/1(/2)``."""

    def _finish(self, width: int, branch_out: int, scale: float, relu: bool) -> None:
        self.scale = scale
        self.conv2d = nn.Conv2d(branch_out, width, 1)
        self.relu = nn.ReLU() if relu else None

    def forward(self, x):
        branches = [self.branch0(x), self.branch1(x)]
        if getattr(self, "branch2", None) is not None:
            branches.append(self.branch2(x))
        out = x + self.conv2d(_cat(branches)) * self.scale
        return self.relu(out) if self.relu is not None else out


class Block35(_Residual):
    """Inception-ResNet-A (35x35): ``b | b-b | b-c1-c2`` then 1x1 back to ``width``."""

    def __init__(self, width: int, b: int = 32, c1: int = 48, c2: int = 64,
                 scale: float = 0.17) -> None:
        super().__init__()
        self.branch0 = conv(width, b, 1)
        self.branch1 = nn.Sequential(conv(width, b, 1), conv(b, b, 3, padding=1))
        self.branch2 = nn.Sequential(conv(width, b, 1), conv(b, c1, 3, padding=1),
                                     conv(c1, c2, 3, padding=1))
        self._finish(width, 2 * b + c2, scale, relu=True)


class Block17(_Residual):
    """Inception-ResNet-B (17x17): ``b0 | r-1x7 c1-7x1 c2`` then 1x1 back to ``width``."""

    def __init__(self, width: int, b0: int = 192, r: int = 128, c1: int = 160,
                 c2: int = 192, scale: float = 0.10) -> None:
        super().__init__()
        self.branch0 = conv(width, b0, 1)
        self.branch1 = nn.Sequential(conv(width, r, 1), conv(r, c1, (1, 7), padding=(0, 3)),
                                     conv(c1, c2, (7, 1), padding=(3, 0)))
        self._finish(width, b0 + c2, scale, relu=True)


class Block8(_Residual):
    """Inception-ResNet-C (8x8): ``b0 | b0-1x3 c1-3x1 c2`` then 1x1 back to ``width``."""

    def __init__(self, width: int, b0: int = 192, c1: int = 224, c2: int = 256,
                 scale: float = 0.20, relu: bool = True) -> None:
        super().__init__()
        self.branch0 = conv(width, b0, 1)
        self.branch1 = nn.Sequential(conv(width, b0, 1), conv(b0, c1, (1, 3), padding=(0, 1)),
                                     conv(c1, c2, (3, 1), padding=(1, 0)))
        self._finish(width, b0 + c2, scale, relu=relu)


class ReductionB(nn.Module):
    """17x17 -> 8x8: ``1x1 256-3x3/2 a | 1x1 256-3x3/2 b | 1x1 256-3x3 c-3x3/2 d | maxpool``
    (timm's ``Mixed_7a``; v2: a, b, c, d = 384, 288, 288, 320; v1: 384, 256, 256, 256)."""

    def __init__(self, in_channels: int, a: int, b: int, c: int, d: int) -> None:
        super().__init__()
        self.branch0 = nn.Sequential(conv(in_channels, 256, 1), conv(256, a, 3, stride=2))
        self.branch1 = nn.Sequential(conv(in_channels, 256, 1), conv(256, b, 3, stride=2))
        self.branch2 = nn.Sequential(conv(in_channels, 256, 1), conv(256, c, 3, padding=1),
                                     conv(c, d, 3, stride=2))
        self.branch3 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)])


class Mixed5b(nn.Module):
    """TF-slim's 35x35 entry module, 192 -> 320: 1x1 96 | 1x1 48-5x5 64 |
    1x1 64-3x3 96-3x3 96 | avgpool-1x1 64."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = conv(192, 96, 1)
        self.branch1 = nn.Sequential(conv(192, 48, 1), conv(48, 64, 5, padding=2))
        self.branch2 = nn.Sequential(conv(192, 64, 1), conv(64, 96, 3, padding=1),
                                     conv(96, 96, 3, padding=1))
        self.branch3 = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1,
                                                  count_include_pad=False),
                                     conv(192, 64, 1))

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)])


class _InceptionResNet(nn.Module):
    """Stem ``conv2d_1a, 2a, 2b, maxpool_3a, conv2d_3b, conv2d_4a`` (shared by v1 and v2),
    the rest from the subclass; ``global_pool - head_drop - classif``."""

    def _stem(self, in_channels: int) -> None:
        self.conv2d_1a = conv(in_channels, 32, 3, stride=2)
        self.conv2d_2a = conv(32, 32, 3)
        self.conv2d_2b = conv(32, 64, 3, padding=1)
        self.maxpool_3a = nn.MaxPool2d(3, stride=2)
        self.conv2d_3b = conv(64, 80, 1)
        self.conv2d_4a = conv(80, 192, 3)

    def _head(self, features: int, num_classes: int, drop_rate: float) -> None:
        self.global_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head_drop = nn.Dropout(p=drop_rate)
        self.classif = nn.Linear(features, num_classes)

    def forward(self, x):
        for layer in self._layers:
            x = getattr(self, layer)(x)
        return self.classif(self.head_drop(self.global_pool(x).flatten(1)))


class InceptionResNetV2(_InceptionResNet):
    """Inception-ResNet v2 (timm/TF-slim layout). ``drop_rate``: dropout before the
    classifier (default 0, as timm)."""

    _layers = ("conv2d_1a", "conv2d_2a", "conv2d_2b", "maxpool_3a", "conv2d_3b",
               "conv2d_4a", "maxpool_5a", "mixed_5b", "repeat", "mixed_6a", "repeat_1",
               "mixed_7a", "repeat_2", "block8", "conv2d_7b")

    def __init__(self, num_classes: int = 1000, in_channels: int = 3,
                 drop_rate: float = 0.0) -> None:
        super().__init__()
        self._stem(in_channels)
        self.maxpool_5a = nn.MaxPool2d(3, stride=2)
        self.mixed_5b = Mixed5b()
        self.repeat = nn.Sequential(*[Block35(320, scale=0.17) for _ in range(10)])
        self.mixed_6a = InceptionReductionA(320, k=256, l=256, m=384, n=384)
        self.repeat_1 = nn.Sequential(*[Block17(1088, scale=0.10) for _ in range(20)])
        self.mixed_7a = ReductionB(1088, 384, 288, 288, 320)
        self.repeat_2 = nn.Sequential(*[Block8(2080, scale=0.20) for _ in range(9)])
        self.block8 = Block8(2080, scale=1.0, relu=False)
        self.conv2d_7b = conv(2080, 1536, 1)
        self._head(1536, num_classes, drop_rate)


class InceptionResNetV1(_InceptionResNet):
    """Inception-ResNet v1 as in the paper. ``drop_rate``: dropout before the classifier
    (default 0.2, the paper's keep probability 0.8)."""

    _layers = ("conv2d_1a", "conv2d_2a", "conv2d_2b", "maxpool_3a", "conv2d_3b",
               "conv2d_4a", "conv2d_4b", "repeat", "mixed_6a", "repeat_1", "mixed_7a",
               "repeat_2")

    def __init__(self, num_classes: int = 1000, in_channels: int = 3,
                 drop_rate: float = 0.2) -> None:
        super().__init__()
        self._stem(in_channels)
        self.conv2d_4b = conv(192, 256, 3, stride=2)
        self.repeat = nn.Sequential(*[Block35(256, b=32, c1=32, c2=32, scale=0.17)
                                      for _ in range(5)])
        self.mixed_6a = InceptionReductionA(256, k=192, l=192, m=256, n=384)
        self.repeat_1 = nn.Sequential(*[Block17(896, b0=128, r=128, c1=128, c2=128,
                                                scale=0.10) for _ in range(10)])
        self.mixed_7a = ReductionB(896, 384, 256, 256, 256)
        self.repeat_2 = nn.Sequential(*[Block8(1792, b0=192, c1=192, c2=192, scale=0.20)
                                        for _ in range(5)])
        self._head(1792, num_classes, drop_rate)


def _build(cls, num_classes, weights, kwargs):
    model = cls(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def inception_resnet_v1(num_classes: int = 1000, weights=None,
                        **kwargs) -> InceptionResNetV1:
    """Inception-ResNet v1 (paper layout): 22,756,328 parameters at 1000 classes."""
    return _build(InceptionResNetV1, num_classes, weights, kwargs)


@register_model
def inception_resnet_v2(num_classes: int = 1000, weights=None,
                        **kwargs) -> InceptionResNetV2:
    """Inception-ResNet v2 (timm/TF-slim layout): 55,843,464 parameters at 1000 classes."""
    return _build(InceptionResNetV2, num_classes, weights, kwargs)
