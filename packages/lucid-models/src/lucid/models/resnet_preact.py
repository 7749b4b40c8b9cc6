"""Pre-activation ResNet and ResNet-1001 (He et al., "Identity Mappings in Deep Residual
Networks", ECCV 2016), the CIFAR network of the paper's Table 2 and Section 4.

Pre-activation bottleneck unit (batch norm and ReLU before each convolution, nothing after
the addition)::

    a = relu(bn1(x))
    y = conv3(relu(bn3(conv2(relu(bn2(conv1(a))))))) + shortcut
    shortcut = x, or downsample(a) (a strided 1x1 convolution) when the shape changes

ResNet-1001: a 3x3 convolution to 16 channels, three stages of ``n = (1001 - 2) / 9 = 111``
bottleneck units (widths 16, 32, 64, outputs 64, 128, 256; stride 2 from the second
stage), a final batch norm and ReLU, global average pooling and a linear classifier. The
paper gives 10.2M parameters (CIFAR-10): this network has 10,175,920 convolution weights and
10,327,706 parameters in all at 10 classes (10,582,136 at the default 1000); ResNet-164 built
the same way has 1,703,258, the paper's 1.7M.

Departure of the original Lucid: its ``resnet_1001`` was an ImageNet-stem four-stage
network of (3, 94, 94, 3) pre-activation bottlenecks, which is in no paper (and has no final
batch norm); this is the paper's CIFAR ResNet-1001. Every unit, the first included, starts
with its own batch norm and ReLU (the paper's code skips them in the very first unit).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.models.resnet_blocks import conv1x1, conv3x3
from lucid.weights.api import load_weights_into

__all__ = ["PreActBottleneck", "PreActResNet", "resnet_1001"]


class PreActBottleneck(nn.Module):
    """Pre-activation bottleneck: (bn-relu-conv) x 3 with an identity-mapped sum."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        out = planes * self.expansion
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.conv1 = conv1x1(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, out)
        self.relu = nn.ReLU()
        self.downsample = conv1x1(inplanes, out, stride) \
            if stride != 1 or inplanes != out else None

    def forward(self, x):
        a = self.relu(self.bn1(x))
        shortcut = x if self.downsample is None else self.downsample(a)
        out = self.conv1(a)
        out = self.conv2(self.relu(self.bn2(out)))
        out = self.conv3(self.relu(self.bn3(out)))
        return out + shortcut


class PreActResNet(nn.Module):
    """The CIFAR pre-activation ResNet of depth ``9 n + 2`` (three stages of ``n`` units).

    Args:
        depth: 9 n + 2 (1001 for ResNet-1001, 164 for ResNet-164).
        num_classes (1000), in_channels (3).
    """

    def __init__(self, depth: int = 1001, num_classes: int = 1000, in_channels: int = 3) -> None:
        super().__init__()
        if depth < 11 or (depth - 2) % 9:
            raise ValueError(f"PreActResNet: depth must be 9n+2 (n >= 1), got {depth}")
        n = (depth - 2) // 9
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        inplanes, stages = 16, []
        for i, planes in enumerate((16, 32, 64)):
            units = []
            for j in range(n):
                units.append(PreActBottleneck(inplanes, planes, 2 if i > 0 and j == 0 else 1))
                inplanes = planes * PreActBottleneck.expansion
            stages.append(nn.Sequential(*units))
        self.layer1, self.layer2, self.layer3 = stages
        self.bn = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(inplanes, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.conv1(x))))
        return self.fc(self.avgpool(self.relu(self.bn(x))).flatten(1))


@register_model
def resnet_1001(num_classes: int = 1000, weights=None, **kwargs) -> PreActResNet:
    """ResNet-1001 (pre-activation, CIFAR; He et al. 2016): 3 x 111 bottleneck units;
    10,582,136 parameters at 1000 classes (10,327,706 at 10; the paper's "10.2M")."""
    model = PreActResNet(1001, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
