"""Xception with timm's ``legacy_xception`` structure, parameter names and init.

Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017
(arXiv:1610.02357), Figure 5. Entry flow: ``conv3x3/2 32 - conv3x3 64`` (each with BN and
ReLU), then three residual blocks to 128, 256, 728 channels; middle flow: eight blocks of
three ``ReLU - separable conv3x3 - BN`` at 728; exit flow: a block to 1024, then
``separable conv 1536 - BN - ReLU - separable conv 2048 - BN - ReLU``, global average
pooling and ``fc``. A block adds ``rep(x)`` to the input (or to ``BN(conv1x1/s(x))``
where the width or resolution changes); a strided block ends ``rep`` with a
``maxpool3x3/2``. A separable convolution is a depthwise 3x3 (``conv1``) followed by a
pointwise 1x1 (``pointwise``), both without bias.

Parameters at 1000 classes: 22,855,952 (the paper's Table 3: 22,855,952).

Reference: timm's ``legacy_xception`` (Cadene's port of the Keras model; timm's name
``xception`` is a deprecated alias of it). timm's ``xception41/65/71`` are the different
"aligned" Xceptions of DeepLab. Initialisation as timm: convolutions
``kaiming_normal(fan_out)``, batch norms 1/0.

Departures of the original Lucid: its separable convolutions are ``nn.DepthSeparableConv2d``
(``depthwise``/``pointwise``) and those of the exit flow carry biases (6,144 more
parameters); its blocks are named ``mid_blocks``/``end_block`` and its stem
``ConvBNReLU2d`` modules; so neither timm's nor Keras' weights load into it.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["Xception", "xception"]


class SeparableConv2d(nn.Module):
    """``pointwise(conv1(x))``: depthwise ``k x k`` (``groups = in_channels``) then 1x1, no
    biases; the submodule names of timm's legacy Xception (``nn.DepthSeparableConv2d``
    names them ``depthwise``/``pointwise``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, padding: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, in_channels, kernel_size, stride=stride,
                               padding=padding, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.conv1(x))


class Block(nn.Module):
    """``rep(x) + skip(x)``, ``rep`` = ``reps`` times ``ReLU - SeparableConv2d - BN``
    (the first ReLU left out with ``start_with_relu=False``) plus a ``maxpool3x3/s`` when
    strided. ``grow_first``: widen in the first separable conv (else in the last)."""

    def __init__(self, in_channels: int, out_channels: int, reps: int, stride: int = 1,
                 start_with_relu: bool = True, grow_first: bool = True) -> None:
        super().__init__()
        if out_channels != in_channels or stride != 1:
            self.skip = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            self.skipbn = nn.BatchNorm2d(out_channels)
        else:
            self.skip = None
        layers = []
        for i in range(reps):
            if grow_first:
                cin, cout = (in_channels if i == 0 else out_channels), out_channels
            else:
                cin, cout = in_channels, (in_channels if i < reps - 1 else out_channels)
            layers += [nn.ReLU(), SeparableConv2d(cin, cout), nn.BatchNorm2d(cout)]
        if not start_with_relu:
            layers = layers[1:]
        if stride != 1:
            layers.append(nn.MaxPool2d(3, stride, 1))
        self.rep = nn.Sequential(*layers)

    def forward(self, x):
        skip = self.skipbn(self.skip(x)) if self.skip is not None else x
        return self.rep(x) + skip


class Xception(nn.Module):
    """Xception.

    Args:
        num_classes: outputs (default 1000), in_channels: input channels (3).
        drop_rate: dropout before ``fc`` (default 0, as timm and the paper's ImageNet model).
    """

    def __init__(self, num_classes: int = 1000, in_channels: int = 3,
                 drop_rate: float = 0.0) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 32, 3, stride=2, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.act1 = nn.ReLU()
        self.conv2 = nn.Conv2d(32, 64, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.act2 = nn.ReLU()
        self.block1 = Block(64, 128, 2, 2, start_with_relu=False)
        self.block2 = Block(128, 256, 2, 2)
        self.block3 = Block(256, 728, 2, 2)
        for i in range(4, 12):
            setattr(self, f"block{i}", Block(728, 728, 3, 1))
        self.block12 = Block(728, 1024, 2, 2, grow_first=False)
        self.conv3 = SeparableConv2d(1024, 1536)
        self.bn3 = nn.BatchNorm2d(1536)
        self.act3 = nn.ReLU()
        self.conv4 = SeparableConv2d(1536, 2048)
        self.bn4 = nn.BatchNorm2d(2048)
        self.act4 = nn.ReLU()
        self.global_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.head_drop = nn.Dropout(p=drop_rate)
        self.fc = nn.Linear(2048, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.act2(self.bn2(self.conv2(self.act1(self.bn1(self.conv1(x))))))
        for i in range(1, 13):
            x = getattr(self, f"block{i}")(x)
        x = self.act3(self.bn3(self.conv3(x)))
        x = self.act4(self.bn4(self.conv4(x)))
        return self.fc(self.head_drop(self.global_pool(x).flatten(1)))


@register_model
def xception(num_classes: int = 1000, weights=None, **kwargs) -> Xception:
    """Xception: 22,855,952 parameters at 1000 classes. Options: see :class:`Xception`."""
    model = Xception(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
