"""Inception v4 with timm's ``inception_v4`` structure and parameter names.

Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual Connections on
Learning", AAAI 2017 (arXiv:1602.07261), Figures 3-9. ``features`` is one sequence of 22
modules: the stem (three convolutions, ``Mixed3a``: maxpool | 3x3/2,
``Mixed4a``: 1x1-3x3 | 1x1-1x7-7x1-3x3, ``Mixed5a``: 3x3/2 | maxpool) to 35x35x384, four
``InceptionA``, ``InceptionReductionA`` (k, l, m, n = 192, 224, 256, 384) to
17x17x1024, seven ``InceptionB``, ``ReductionB`` to 8x8x1536, three ``InceptionC``; then
global average pooling and the classifier ``last_linear``. Every convolution is
``conv (no bias) - BN (eps 1e-3) - ReLU``; the pooling branches average over valid pixels
only (``count_include_pad=False``).

Parameters at 1000 classes: 42,679,816.

Departures: the paper's dropout (keep 0.8) before the classifier is ``drop_rate`` (default
0, as timm). Weights start from the layers' default initialisation, as timm. The original
Lucid's ``inception_v4`` has two bugs that change the network: its stem feeds the same
``1x1-3x3`` branch twice (the 7x1/1x7 branch is never used) and its A/B/C pooling
branches use ``AvgPool2d(3, padding=1)`` with the default stride 3, which shrinks the grid;
its convolutions also carry biases before the batch norms (eps 1e-5), its dropout is
0.8 (the paper's keep probability), and its parameter names differ (``conv``, ``fc``).
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.blocks.inception_conv import inception_conv as conv
from lucid.models.blocks.inception_reduction import InceptionReductionA
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["InceptionV4", "inception_v4"]


def _cat(tensors):
    return lucid.concatenate(tensors, axis=1)


def _pool_branch(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
                         conv(in_channels, out_channels, 1))


class Mixed3a(nn.Module):
    """``[maxpool3x3/2(x), conv3x3/2(x) -> 96]``: 64 -> 160 channels."""

    def __init__(self) -> None:
        super().__init__()
        self.maxpool = nn.MaxPool2d(3, stride=2)
        self.conv = conv(64, 96, 3, stride=2)

    def forward(self, x):
        return _cat([self.maxpool(x), self.conv(x)])


class Mixed4a(nn.Module):
    """``[1x1-3x3, 1x1-1x7-7x1-3x3]`` (96 each): 160 -> 192 channels."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = nn.Sequential(conv(160, 64, 1), conv(64, 96, 3))
        self.branch1 = nn.Sequential(conv(160, 64, 1), conv(64, 64, (1, 7), padding=(0, 3)),
                                     conv(64, 64, (7, 1), padding=(3, 0)), conv(64, 96, 3))

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x)])


class Mixed5a(nn.Module):
    """``[conv3x3/2(x) -> 192, maxpool3x3/2(x)]``: 192 -> 384 channels."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = conv(192, 192, 3, stride=2)
        self.maxpool = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return _cat([self.conv(x), self.maxpool(x)])


class InceptionA(nn.Module):
    """35x35, 384 -> 384: 1x1 | 1x1-3x3 | 1x1-3x3-3x3 | avgpool-1x1 (96 each)."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = conv(384, 96, 1)
        self.branch1 = nn.Sequential(conv(384, 64, 1), conv(64, 96, 3, padding=1))
        self.branch2 = nn.Sequential(conv(384, 64, 1), conv(64, 96, 3, padding=1),
                                     conv(96, 96, 3, padding=1))
        self.branch3 = _pool_branch(384, 96)

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)])


class InceptionB(nn.Module):
    """17x17, 1024 -> 1024: 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | avgpool-1x1."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = conv(1024, 384, 1)
        self.branch1 = nn.Sequential(conv(1024, 192, 1),
                                     conv(192, 224, (1, 7), padding=(0, 3)),
                                     conv(224, 256, (7, 1), padding=(3, 0)))
        self.branch2 = nn.Sequential(conv(1024, 192, 1),
                                     conv(192, 192, (7, 1), padding=(3, 0)),
                                     conv(192, 224, (1, 7), padding=(0, 3)),
                                     conv(224, 224, (7, 1), padding=(3, 0)),
                                     conv(224, 256, (1, 7), padding=(0, 3)))
        self.branch3 = _pool_branch(1024, 128)

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)])


class ReductionB(nn.Module):
    """17x17 -> 8x8, 1024 -> 1536: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = nn.Sequential(conv(1024, 192, 1), conv(192, 192, 3, stride=2))
        self.branch1 = nn.Sequential(conv(1024, 256, 1),
                                     conv(256, 256, (1, 7), padding=(0, 3)),
                                     conv(256, 320, (7, 1), padding=(3, 0)),
                                     conv(320, 320, 3, stride=2))
        self.branch2 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return _cat([self.branch0(x), self.branch1(x), self.branch2(x)])


class InceptionC(nn.Module):
    """8x8, 1536 -> 1536: 1x1 | 1x1-[1x3, 3x1] | 1x1-3x1-1x3-[1x3, 3x1] | avgpool-1x1."""

    def __init__(self) -> None:
        super().__init__()
        self.branch0 = conv(1536, 256, 1)
        self.branch1_0 = conv(1536, 384, 1)
        self.branch1_1a = conv(384, 256, (1, 3), padding=(0, 1))
        self.branch1_1b = conv(384, 256, (3, 1), padding=(1, 0))
        self.branch2_0 = conv(1536, 384, 1)
        self.branch2_1 = conv(384, 448, (3, 1), padding=(1, 0))
        self.branch2_2 = conv(448, 512, (1, 3), padding=(0, 1))
        self.branch2_3a = conv(512, 256, (1, 3), padding=(0, 1))
        self.branch2_3b = conv(512, 256, (3, 1), padding=(1, 0))
        self.branch3 = _pool_branch(1536, 256)

    def forward(self, x):
        x1 = self.branch1_0(x)
        x2 = self.branch2_2(self.branch2_1(self.branch2_0(x)))
        return _cat([self.branch0(x), self.branch1_1a(x1), self.branch1_1b(x1),
                     self.branch2_3a(x2), self.branch2_3b(x2), self.branch3(x)])


class InceptionV4(nn.Module):
    """Inception v4.

    Args:
        num_classes: outputs (default 1000), in_channels: input channels (3).
        drop_rate: dropout before ``last_linear`` (default 0, as timm; the paper: 0.2).
    """

    def __init__(self, num_classes: int = 1000, in_channels: int = 3,
                 drop_rate: float = 0.0) -> None:
        super().__init__()
        features = [conv(in_channels, 32, 3, stride=2), conv(32, 32, 3),
                    conv(32, 64, 3, padding=1), Mixed3a(), Mixed4a(), Mixed5a()]
        features += [InceptionA() for _ in range(4)]
        features += [InceptionReductionA(384, k=192, l=224, m=256, n=384)]
        features += [InceptionB() for _ in range(7)]
        features += [ReductionB()]
        features += [InceptionC() for _ in range(3)]
        self.features = nn.Sequential(*features)
        self.global_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head_drop = nn.Dropout(p=drop_rate)
        self.last_linear = nn.Linear(1536, num_classes)

    def forward(self, x):
        x = self.global_pool(self.features(x)).flatten(1)
        return self.last_linear(self.head_drop(x))


@register_model
def inception_v4(num_classes: int = 1000, weights=None, **kwargs) -> InceptionV4:
    """Inception v4: 42,679,816 parameters at 1000 classes. Options: :class:`InceptionV4`."""
    model = InceptionV4(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
