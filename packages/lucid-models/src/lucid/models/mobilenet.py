"""MobileNet (v1; Howard et al., "MobileNets: Efficient Convolutional Neural Networks for
Mobile Vision Applications", 2017, Table 1) with timm's structure and parameter names
(``mobilenetv1_100``).

``conv_stem`` (3x3, stride 2, 32 channels) + ``bn1`` + ReLU6, then 13 depthwise-separable
blocks in five ``blocks`` stages::

    h = ReLU6(BN(dwconv3x3_{stride}(x)))          conv_dw, bn1
    y = ReLU6(BN(conv1x1_{C -> C'}(h)))           conv_pw, bn2   (no residual)

with output channels / first strides 64/1; 128 x2 /2; 256 x2 /2; 512 x6 /2; 1024 x2 /2;
then global average pooling and a linear ``classifier``. Widths scale by ``width_mult``
(multiples of 8). 4,231,976 parameters with 1000 classes.

The activation is ReLU6, as in timm and the TF-slim reference whose weights timm ports
(the paper writes ReLU; the parameter count is the same).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.model_init import init_goog_
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["MobileNet", "DepthwiseSeparableBlock", "mobilenet"]

# (output channels, repeats, first stride) per stage
_STAGES = ((64, 1, 1), (128, 2, 2), (256, 2, 2), (512, 6, 2), (1024, 2, 2))


class DepthwiseSeparableBlock(nn.Module):
    """``act(bn2(conv_pw(act(bn1(conv_dw(x))))))`` with timm's names (the batch-normalised
    form of ``nn.DepthSeparableConv2d``)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 activation: type[nn.Module] = nn.ReLU6) -> None:
        super().__init__()
        self.conv_dw = nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1,
                                 groups=in_channels, bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.act1 = activation()
        self.conv_pw = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.act2 = activation()

    def forward(self, x):
        return self.act2(self.bn2(self.conv_pw(self.act1(self.bn1(self.conv_dw(x))))))


class MobileNet(nn.Module):
    """MobileNet v1: ``conv_stem``, ``bn1``, ``blocks`` (five stages), ``classifier``.

    Args:
        num_classes (1000), width_mult (1.0), dropout (0.0, before the classifier),
        in_channels (3).
    """

    def __init__(self, num_classes: int = 1000, width_mult: float = 1.0, dropout: float = 0.0,
                 in_channels: int = 3) -> None:
        super().__init__()
        make = nn.utils.make_divisible
        channels = make(32 * width_mult)
        self.conv_stem = nn.Conv2d(in_channels, channels, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.act1 = nn.ReLU6()
        stages = []
        for out, repeats, stride in _STAGES:
            out = make(out * width_mult)
            blocks = []
            for i in range(repeats):
                blocks.append(DepthwiseSeparableBlock(channels, out, stride if i == 0 else 1))
                channels = out
            stages.append(nn.Sequential(*blocks))
        self.blocks = nn.Sequential(*stages)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(channels, num_classes)
        init_goog_(self)

    def forward(self, x):
        x = self.blocks(self.act1(self.bn1(self.conv_stem(x))))
        return self.classifier(self.dropout(x.mean(axis=(2, 3))))


@register_model
def mobilenet(num_classes: int = 1000, weights=None, **kwargs) -> MobileNet:
    """MobileNet v1 1.0: 4,231,976 parameters with 1000 classes (timm ``mobilenetv1_100``)."""
    model = MobileNet(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
