"""Inception v1 (GoogLeNet), with torchvision's ``googlenet`` structure, names and init.

Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (arXiv:1409.4842), Table 1.
Stem ``conv7x7/2 (64) - maxpool3x3/2 - conv1x1 (64) - conv3x3 (192) - maxpool3x3/2``, then
nine Inception modules (3a, 3b, pool, 4a-4e, pool, 5a, 5b), global average pooling,
dropout and a linear classifier. Each module concatenates four branches::

    [conv1x1(x), conv3x3(conv1x1(x)), convKxK(conv1x1(x)), conv1x1(maxpool3x3/1(x))]

Every convolution is ``conv (no bias) - BN (eps 1e-3) - ReLU``. Two auxiliary heads
(after 4a and 4d: ``adaptive avg-pool 4x4 - conv1x1 128 - fc 1024 - ReLU - dropout 0.7 -
fc``) are built when ``aux_logits=True``.

Parameters at 1000 classes: 6,624,904 without the auxiliary heads, 13,004,888 with them
(torchvision's figure; ``aux_logits=True`` is the default, as in torchvision).

**Auxiliary heads policy** (torchvision's): with ``aux_logits=True`` the heads are
evaluated only in training mode and ``forward`` then returns
``GoogLeNetOutputs(logits, aux_logits2, aux_logits1)``; in eval mode (or with
``aux_logits=False``) it returns the logits tensor alone. The training loss of the paper
is ``loss(logits) + 0.3 * (loss(aux_logits1) + loss(aux_logits2))``.

Departures, all torchvision's, kept so its ImageNet weights load by name:
- the "5x5" branch uses a 3x3 convolution (``branch3_kernel_size=5`` gives the paper's);
- batch norm after every convolution (the paper predates batch norm), no LRN;
- max-pools use ``ceil_mode=True`` and the pool before 5a is 2x2/2 instead of 3x3/2;
- main dropout 0.2 instead of the paper's 0.4 (``dropout=``);
- the auxiliary heads pool adaptively to 4x4 (the paper: 5x5/3 average pool on 14x14).

The original Lucid departs further: convolution biases before every batch norm, batch-norm
eps 1e-5, modules named ``incep_3``/``incep_4bcd``, a tuple ``(logits, aux2, aux1)``
returned in eval mode too, and PyTorch's default initialisation (its 5x5 branches and main
dropout 0.4 follow the paper, so torchvision's weights do not load into it).
"""

from __future__ import annotations

from collections import namedtuple

import lucid
from lucid import nn
from lucid.models.blocks.inception_conv import inception_conv
from lucid.models.inception._common import (
    build_with_aux_weights,
    init_truncated_normal_,
    transform_input,
)
from lucid.models.registry import register_model

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "InceptionModule", "InceptionAux",
           "inception_v1"]

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])


class InceptionModule(nn.Module):
    """GoogLeNet's Inception module; output ``ch1x1 + ch3x3 + ch5x5 + pool_proj`` channels."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int,
                 ch5x5red: int, ch5x5: int, pool_proj: int,
                 branch3_kernel_size: int = 3) -> None:
        super().__init__()
        self.branch1 = inception_conv(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(inception_conv(in_channels, ch3x3red, 1),
                                     inception_conv(ch3x3red, ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(
            inception_conv(in_channels, ch5x5red, 1),
            inception_conv(ch5x5red, ch5x5, branch3_kernel_size,
                           padding=branch3_kernel_size // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
                                     inception_conv(in_channels, pool_proj, 1))

    def forward(self, x):
        return lucid.concatenate([self.branch1(x), self.branch2(x), self.branch3(x),
                                  self.branch4(x)], axis=1)


class InceptionAux(nn.Module):
    """Auxiliary classifier: ``fc2(dropout(relu(fc1(flatten(conv(avgpool_4x4(x)))))))``."""

    def __init__(self, in_channels: int, num_classes: int, dropout: float = 0.7) -> None:
        super().__init__()
        self.conv = inception_conv(in_channels, 128, 1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x):
        x = self.conv(nn.functional.adaptive_avg_pool2d(x, (4, 4)))
        x = nn.functional.relu(self.fc1(x.flatten(1)))
        return self.fc2(self.dropout(x))


# (in, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj): Table 1 of the paper.
_MODULES = {
    "inception3a": (192, 64, 96, 128, 16, 32, 32),
    "inception3b": (256, 128, 128, 192, 32, 96, 64),
    "inception4a": (480, 192, 96, 208, 16, 48, 64),
    "inception4b": (512, 160, 112, 224, 24, 64, 64),
    "inception4c": (512, 128, 128, 256, 24, 64, 64),
    "inception4d": (512, 112, 144, 288, 32, 64, 64),
    "inception4e": (528, 256, 160, 320, 32, 128, 128),
    "inception5a": (832, 256, 160, 320, 32, 128, 128),
    "inception5b": (832, 384, 192, 384, 48, 128, 128),
}


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1).

    Args:
        num_classes: outputs (default 1000).
        aux_logits: build the two auxiliary heads (default True; see the module docstring).
        transform_input: re-normalise ImageNet-normalised input to mean/std 0.5 first
            (what the Google-trained weights expect; default False).
        dropout (0.2), dropout_aux (0.7): dropout before the main and auxiliary fc.
        branch3_kernel_size: kernel of the "5x5" branch (3 as torchvision, 5 as the paper).
        init_weights: truncated normal (std 0.01) on convolutions and linear layers.
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True,
                 transform_input: bool = False, dropout: float = 0.2,
                 dropout_aux: float = 0.7, branch3_kernel_size: int = 3,
                 init_weights: bool = True) -> None:
        super().__init__()
        if branch3_kernel_size not in (3, 5):
            raise ValueError(f"GoogLeNet: branch3_kernel_size must be 3 or 5, got "
                             f"{branch3_kernel_size}")
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.conv1 = inception_conv(3, 64, 7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = inception_conv(64, 64, 1)
        self.conv3 = inception_conv(64, 192, 3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        for name in ("inception3a", "inception3b"):
            setattr(self, name, InceptionModule(*_MODULES[name], branch3_kernel_size))
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        for name in ("inception4a", "inception4b", "inception4c", "inception4d",
                     "inception4e"):
            setattr(self, name, InceptionModule(*_MODULES[name], branch3_kernel_size))
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        for name in ("inception5a", "inception5b"):
            setattr(self, name, InceptionModule(*_MODULES[name], branch3_kernel_size))
        if aux_logits:
            self.aux1 = InceptionAux(512, num_classes, dropout=dropout_aux)
            self.aux2 = InceptionAux(528, num_classes, dropout=dropout_aux)
        else:
            self.aux1 = None
            self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)
        if init_weights:
            init_truncated_normal_(self, std=0.01)

    def forward(self, x):
        if self.transform_input:
            x = transform_input(x)
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        train_aux = self.training and self.aux_logits
        aux1 = self.aux1(x) if train_aux else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if train_aux else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        if train_aux:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


@register_model
def inception_v1(num_classes: int = 1000, weights=None, **kwargs) -> GoogLeNet:
    """Inception v1 (GoogLeNet): 13,004,888 parameters at 1000 classes with the auxiliary
    heads (default), 6,624,904 with ``aux_logits=False``. Options: see :class:`GoogLeNet`.

    With ``weights`` (torchvision's policy): ``transform_input=True`` unless given, and the
    auxiliary heads (stored in the file but not trained) are dropped unless
    ``aux_logits=True`` is passed."""
    return build_with_aux_weights(GoogLeNet, ("aux1", "aux2"), False, num_classes, weights,
                                  kwargs)
