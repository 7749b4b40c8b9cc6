"""ResNet-18/34/50/101/152 with torchvision's structure, parameter names and initialisation.

ImageNet stem: 7x7 stride-2 convolution, batch norm, ReLU, 3x3 stride-2 max-pool. The CIFAR
stem (``cifar_stem=True``) is a 3x3 stride-1 convolution and no max-pool, for 32x32 inputs.
Then four stages of blocks (64, 128, 256, 512 planes; stride 2 from the second stage),
global average pooling and a linear classifier. Convolutions start from
``kaiming_normal_(mode="fan_out", nonlinearity="relu")``, batch norms from weight 1, bias 0.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.models.resnet_blocks import BasicBlock, Bottleneck, conv1x1
from lucid.weights.api import load_weights_into

__all__ = ["ResNet", "resnet_18", "resnet_34", "resnet_50", "resnet_101", "resnet_152"]


class ResNet(nn.Module):
    """A residual network.

    Args:
        block: :class:`BasicBlock` or :class:`Bottleneck`.
        layers: blocks per stage, e.g. ``(2, 2, 2, 2)`` for ResNet-18.
        num_classes: outputs of ``fc`` (default 1000), in_channels: input channels (3).
        cifar_stem: 3x3 stride-1 stem without max-pool (for 32x32 images).
        zero_init_residual: start each block's last batch-norm weight at zero.
    """

    def __init__(self, block, layers, num_classes: int = 1000, in_channels: int = 3,
                 cifar_stem: bool = False, zero_init_residual: bool = False) -> None:
        super().__init__()
        self.inplanes = 64
        if cifar_stem:
            self.conv1 = nn.Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False)
            self.maxpool = nn.Identity()
        else:
            self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.layer1 = self._make_stage(block, 64, layers[0])
        self.layer2 = self._make_stage(block, 128, layers[1], stride=2)
        self.layer3 = self._make_stage(block, 256, layers[2], stride=2)
        self.layer4 = self._make_stage(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                last = getattr(m, "bn3", None) if isinstance(m, Bottleneck) else \
                    getattr(m, "bn2", None) if isinstance(m, BasicBlock) else None
                if last is not None:
                    nn.init.zeros_(last.weight)

    def _make_stage(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        stage = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        stage += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def _resnet(block, layers, num_classes, weights, **kwargs) -> ResNet:
    model = ResNet(block, layers, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def resnet_18(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-18: basic blocks (2, 2, 2, 2); 11,689,512 parameters with 1000 classes."""
    return _resnet(BasicBlock, (2, 2, 2, 2), num_classes, weights, **kwargs)


@register_model
def resnet_34(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-34: basic blocks (3, 4, 6, 3)."""
    return _resnet(BasicBlock, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-50: bottleneck blocks (3, 4, 6, 3)."""
    return _resnet(Bottleneck, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def resnet_101(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-101: bottleneck blocks (3, 4, 23, 3)."""
    return _resnet(Bottleneck, (3, 4, 23, 3), num_classes, weights, **kwargs)


@register_model
def resnet_152(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-152: bottleneck blocks (3, 8, 36, 3)."""
    return _resnet(Bottleneck, (3, 8, 36, 3), num_classes, weights, **kwargs)
