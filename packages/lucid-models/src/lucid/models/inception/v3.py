"""Inception v3 with torchvision's ``inception_v3`` structure, parameter names and init.

Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016
(arXiv:1512.00567), Table 1 and Figures 5-7. For a 299x299 input: a stem of five
convolutions and two max-pools (``3x3/2 32, 3x3 32, 3x3 64, pool, 1x1 80, 3x3 192, pool``)
to 35x35x192; three ``InceptionA`` (factorised 5x5: two 3x3), ``InceptionB`` (grid
reduction to 17x17), four ``InceptionC`` (factorised 7x7: 1x7 and 7x1), ``InceptionD``
(reduction to 8x8), two ``InceptionE`` (expanded 1x3/3x1 filter banks) to 8x8x2048, global
average pooling, dropout 0.5 and a linear classifier. Every convolution is
``conv (no bias) - BN (eps 1e-3) - ReLU``. An auxiliary head on the 17x17 grid
(``avgpool 5x5/3 - conv1x1 128 - conv5x5 768 - global pool - fc``) is built when
``aux_logits=True`` (the default, as in torchvision).

Parameters at 1000 classes: 27,161,264 with the auxiliary head, 23,834,568 without.

Auxiliary head policy (torchvision's): evaluated only in training mode, where ``forward``
returns ``InceptionOutputs(logits, aux_logits)``; in eval mode the logits alone. The
smallest input is 75x75; in training mode the auxiliary head's 5x5 convolution needs the
17x17 grid of a 299x299 input (build with ``aux_logits=False`` to train on smaller ones).

Departures from the paper, as torchvision (its weights load by name): the auxiliary head
is batch-normalised and has no hidden fc; the pooling branches use average pooling
(``count_include_pad=True``) with 32/64/64 pool features in A.

The original Lucid's ``inception_v3`` departs from both: its stem replaces the second
max-pool by a strided 3x3 convolution and adds a 3x3 convolution to 288 channels, its A/C/E
pool branches max-pool (and every A module projects to 64), its auxiliary head is
``adaptive avg-pool 5x5 - conv1x1 128 - fc 1024 - fc`` (GoogLeNet's), its module
convolutions carry biases before batch norms with eps 1e-5, it returns a tuple in eval
mode too, and its modules are named ``incep_3``/``incep_red1``...
"""

from __future__ import annotations

from collections import namedtuple

import lucid
from lucid import nn
from lucid.models.blocks.inception_conv import inception_conv as conv
from lucid.models.inception._common import (
    build_with_aux_weights,
    init_truncated_normal_,
    transform_input,
)
from lucid.models.registry import register_model

F = nn.functional

__all__ = ["Inception3", "InceptionOutputs", "inception_v3"]

InceptionOutputs = namedtuple("InceptionOutputs", ["logits", "aux_logits"])


def _avg3(x):
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)


def _max3(x):
    return F.max_pool2d(x, kernel_size=3, stride=2)


def _cat(tensors):
    return lucid.concatenate(tensors, axis=1)


class InceptionA(nn.Module):
    """35x35: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1; out ``224 + pool_features``."""

    def __init__(self, in_channels: int, pool_features: int) -> None:
        super().__init__()
        self.branch1x1 = conv(in_channels, 64, 1)
        self.branch5x5_1 = conv(in_channels, 48, 1)
        self.branch5x5_2 = conv(48, 64, 5, padding=2)
        self.branch3x3dbl_1 = conv(in_channels, 64, 1)
        self.branch3x3dbl_2 = conv(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = conv(96, 96, 3, padding=1)
        self.branch_pool = conv(in_channels, pool_features, 1)

    def forward(self, x):
        dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return _cat([self.branch1x1(x), self.branch5x5_2(self.branch5x5_1(x)), dbl,
                     self.branch_pool(_avg3(x))])


class InceptionB(nn.Module):
    """35x35 -> 17x17: 3x3/2 | 1x1-3x3-3x3/2 | maxpool/2; out ``480 + in_channels``."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3 = conv(in_channels, 384, 3, stride=2)
        self.branch3x3dbl_1 = conv(in_channels, 64, 1)
        self.branch3x3dbl_2 = conv(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = conv(96, 96, 3, stride=2)

    def forward(self, x):
        dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return _cat([self.branch3x3(x), dbl, _max3(x)])


class InceptionC(nn.Module):
    """17x17 with 7x7 factorised into 1x7, 7x1 (``c7`` inner channels); out 768."""

    def __init__(self, in_channels: int, channels_7x7: int) -> None:
        super().__init__()
        c7 = channels_7x7
        self.branch1x1 = conv(in_channels, 192, 1)
        self.branch7x7_1 = conv(in_channels, c7, 1)
        self.branch7x7_2 = conv(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7_3 = conv(c7, 192, (7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = conv(in_channels, c7, 1)
        self.branch7x7dbl_2 = conv(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = conv(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = conv(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = conv(c7, 192, (1, 7), padding=(0, 3))
        self.branch_pool = conv(in_channels, 192, 1)

    def forward(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        dbl = self.branch7x7dbl_1(x)
        for layer in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4,
                      self.branch7x7dbl_5):
            dbl = layer(dbl)
        return _cat([self.branch1x1(x), b7, dbl, self.branch_pool(_avg3(x))])


class InceptionD(nn.Module):
    """17x17 -> 8x8: 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2; out ``512 + in``."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3_1 = conv(in_channels, 192, 1)
        self.branch3x3_2 = conv(192, 320, 3, stride=2)
        self.branch7x7x3_1 = conv(in_channels, 192, 1)
        self.branch7x7x3_2 = conv(192, 192, (1, 7), padding=(0, 3))
        self.branch7x7x3_3 = conv(192, 192, (7, 1), padding=(3, 0))
        self.branch7x7x3_4 = conv(192, 192, 3, stride=2)

    def forward(self, x):
        b7 = self.branch7x7x3_1(x)
        for layer in (self.branch7x7x3_2, self.branch7x7x3_3, self.branch7x7x3_4):
            b7 = layer(b7)
        return _cat([self.branch3x3_2(self.branch3x3_1(x)), b7, _max3(x)])


class InceptionE(nn.Module):
    """8x8 with expanded filter banks (1x3 and 3x1 side by side); out 2048."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = conv(in_channels, 320, 1)
        self.branch3x3_1 = conv(in_channels, 384, 1)
        self.branch3x3_2a = conv(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3_2b = conv(384, 384, (3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = conv(in_channels, 448, 1)
        self.branch3x3dbl_2 = conv(448, 384, 3, padding=1)
        self.branch3x3dbl_3a = conv(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = conv(384, 384, (3, 1), padding=(1, 0))
        self.branch_pool = conv(in_channels, 192, 1)

    def forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = _cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)])
        dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        dbl = _cat([self.branch3x3dbl_3a(dbl), self.branch3x3dbl_3b(dbl)])
        return _cat([self.branch1x1(x), b3, dbl, self.branch_pool(_avg3(x))])


class InceptionAux(nn.Module):
    """``fc(flatten(adaptive_avgpool_1(conv1(conv0(avgpool_5x5/3(x))))))``."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.conv0 = conv(in_channels, 128, 1)
        self.conv1 = conv(128, 768, 5)
        self.conv1.stddev = 0.01
        self.fc = nn.Linear(768, num_classes)
        self.fc.stddev = 0.001

    def forward(self, x):
        x = self.conv1(self.conv0(F.avg_pool2d(x, kernel_size=5, stride=3)))
        return self.fc(F.adaptive_avg_pool2d(x, (1, 1)).flatten(1))


class Inception3(nn.Module):
    """Inception v3.

    Args:
        num_classes: outputs (default 1000).
        aux_logits: build the auxiliary head (default True; see the module docstring).
        transform_input: re-normalise ImageNet-normalised input to mean/std 0.5 first.
        dropout: before the classifier (0.5).
        init_weights: truncated normal, std 0.1 (0.01 for the auxiliary 5x5 conv, 0.001
            for the auxiliary fc), as torchvision.
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True,
                 transform_input: bool = False, dropout: float = 0.5,
                 init_weights: bool = True) -> None:
        super().__init__()
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.Conv2d_1a_3x3 = conv(3, 32, 3, stride=2)
        self.Conv2d_2a_3x3 = conv(32, 32, 3)
        self.Conv2d_2b_3x3 = conv(32, 64, 3, padding=1)
        self.maxpool1 = nn.MaxPool2d(3, stride=2)
        self.Conv2d_3b_1x1 = conv(64, 80, 1)
        self.Conv2d_4a_3x3 = conv(80, 192, 3)
        self.maxpool2 = nn.MaxPool2d(3, stride=2)
        self.Mixed_5b = InceptionA(192, pool_features=32)
        self.Mixed_5c = InceptionA(256, pool_features=64)
        self.Mixed_5d = InceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, channels_7x7=128)
        self.Mixed_6c = InceptionC(768, channels_7x7=160)
        self.Mixed_6d = InceptionC(768, channels_7x7=160)
        self.Mixed_6e = InceptionC(768, channels_7x7=192)
        self.AuxLogits = InceptionAux(768, num_classes) if aux_logits else None
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(2048, num_classes)
        if init_weights:
            init_truncated_normal_(self, std=0.1)

    def forward(self, x):
        if self.transform_input:
            x = transform_input(x)
        for layer in (self.Conv2d_1a_3x3, self.Conv2d_2a_3x3, self.Conv2d_2b_3x3,
                      self.maxpool1, self.Conv2d_3b_1x1, self.Conv2d_4a_3x3, self.maxpool2,
                      self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a,
                      self.Mixed_6b, self.Mixed_6c, self.Mixed_6d, self.Mixed_6e):
            x = layer(x)
        train_aux = self.training and self.AuxLogits is not None
        aux = self.AuxLogits(x) if train_aux else None
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
        x = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        if train_aux:
            return InceptionOutputs(x, aux)
        return x


@register_model
def inception_v3(num_classes: int = 1000, weights=None, **kwargs) -> Inception3:
    """Inception v3: 27,161,264 parameters at 1000 classes with the auxiliary head
    (default), 23,834,568 with ``aux_logits=False``. Options: see :class:`Inception3`.

    With ``weights`` (torchvision's policy): ``transform_input=True`` unless given; the
    file's auxiliary head is kept unless ``aux_logits=False`` is passed."""
    return build_with_aux_weights(Inception3, ("AuxLogits",), True, num_classes, weights,
                                  kwargs)
