"""ResNet (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016), the one
network skeleton shared by ResNet, Wide ResNet, ResNeXt, SE-ResNet/ResNeXt, SK-ResNet/ResNeXt
and ResNeSt (torchvision's and timm's parameter names).

Stem: a 7x7 stride-2 convolution to 64 channels (``deep_stem``: three 3x3 convolutions
``3 -> w -> w -> 2w``, the first strided, with batch norm and ReLU between: timm's "deep"
stem of ResNet-D and ResNeSt), batch norm, ReLU, 3x3 stride-2 max-pool. The CIFAR stem
(``cifar_stem=True``) is a 3x3 stride-1 convolution and no max-pool, for 32x32 inputs.
Then four stages of blocks (64, 128, 256, 512 planes; stride 2 from the second stage; the
first block of a stage gets the shortcut ``downsample`` = 1x1 conv + batch norm, or with
``avg_down`` 2x2 average pooling + 1x1 conv + batch norm), global average pooling and a
linear classifier. Convolutions start from ``kaiming_normal_(mode="fan_out",
nonlinearity="relu")``, batch norms from weight 1, bias 0.

Parameter counts at 1000 classes: ResNet-18 11,689,512; -34 21,797,672; -50 25,557,032;
-101 44,549,160; -152 60,192,808; -200 64,673,832; -269 102,073,384; Wide ResNet-50-2
68,883,240; Wide ResNet-101-2 126,886,696.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.models.resnet_blocks import BasicBlock, Bottleneck, conv1x1
from lucid.weights.api import load_weights_into

__all__ = ["ResNet", "build_resnet", "resnet_18", "resnet_34", "resnet_50", "resnet_101",
           "resnet_152", "resnet_200", "resnet_269", "wide_resnet_50", "wide_resnet_101"]


class ResNet(nn.Module):
    """A residual network.

    Args:
        block: a residual block class (``BasicBlock``, ``Bottleneck`` or a variant) taking
            ``(inplanes, planes, stride, downsample, **block_kwargs, drop_path=rate)``.
        layers: blocks per stage, e.g. ``(2, 2, 2, 2)`` for ResNet-18.
        num_classes: outputs of ``fc`` (default 1000), in_channels: input channels (3).
        deep_stem: three 3x3 stem convolutions of ``stem_width`` (default 64) channels.
        avg_down: average-pool in the stage shortcuts instead of a strided 1x1 convolution.
        cifar_stem: 3x3 stride-1 stem without max-pool (for 32x32 images).
        zero_init_residual: start each block's last batch-norm weight at zero.
        drop_path_rate: stochastic depth, rising linearly from 0 at the first block to this
            rate at the last.
        **block_kwargs: passed to every block (``groups``, ``base_width``, ``attn``, ...).
    """

    def __init__(self, block, layers, num_classes: int = 1000, in_channels: int = 3, *,
                 deep_stem: bool = False, stem_width: int = 64, avg_down: bool = False,
                 cifar_stem: bool = False, zero_init_residual: bool = False,
                 drop_path_rate: float = 0.0, **block_kwargs) -> None:
        super().__init__()
        if len(layers) != 4 or any(n < 1 for n in layers):
            raise ValueError(f"ResNet: layers must be 4 positive block counts, got {layers}")
        self.inplanes = 2 * stem_width if deep_stem else 64
        if deep_stem:
            self.conv1 = nn.Sequential(
                nn.Conv2d(in_channels, stem_width, 3, stride=1 if cifar_stem else 2,
                          padding=1, bias=False),
                nn.BatchNorm2d(stem_width), nn.ReLU(),
                nn.Conv2d(stem_width, stem_width, 3, padding=1, bias=False),
                nn.BatchNorm2d(stem_width), nn.ReLU(),
                nn.Conv2d(stem_width, self.inplanes, 3, padding=1, bias=False))
        elif cifar_stem:
            self.conv1 = nn.Conv2d(in_channels, 64, 3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU()
        self.maxpool = nn.Identity() if cifar_stem else nn.MaxPool2d(3, stride=2, padding=1)
        rates = [drop_path_rate * i / max(1, sum(layers) - 1) for i in range(sum(layers))]
        stages = []
        for i, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers)):
            stage_rates, rates = rates[:blocks], rates[blocks:]
            stages.append(self._make_stage(block, planes, blocks, 1 if i == 0 else 2,
                                           avg_down, stage_rates, block_kwargs))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
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
                if hasattr(m, "last_bn") and callable(m.last_bn):
                    nn.init.zeros_(m.last_bn().weight)

    def _make_stage(self, block, planes: int, blocks: int, stride: int, avg_down: bool,
                    rates, block_kwargs) -> nn.Sequential:
        downsample = None
        out = planes * block.expansion
        if stride != 1 or self.inplanes != out:
            if avg_down:
                pool = nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False) \
                    if stride != 1 else nn.Identity()
                downsample = nn.Sequential(pool, conv1x1(self.inplanes, out),
                                           nn.BatchNorm2d(out))
            else:
                downsample = nn.Sequential(conv1x1(self.inplanes, out, stride),
                                           nn.BatchNorm2d(out))
        stage = [block(self.inplanes, planes, stride, downsample, drop_path=rates[0],
                       **block_kwargs)]
        self.inplanes = out
        stage += [block(out, planes, drop_path=rates[i], **block_kwargs)
                  for i in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward_features(self, x):
        """The last stage's feature map ``(N, 512 * expansion, H/32, W/32)``."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def forward(self, x):
        return self.fc(self.avgpool(self.forward_features(x)).flatten(1))


def build_resnet(block, layers, num_classes: int, weights, **kwargs) -> ResNet:
    """A :class:`ResNet`, with ``weights`` (an entry, its name, or None) loaded."""
    model = ResNet(block, layers, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def resnet_18(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-18: basic blocks (2, 2, 2, 2); 11,689,512 parameters (torchvision
    ``resnet18``)."""
    return build_resnet(BasicBlock, (2, 2, 2, 2), num_classes, weights, **kwargs)


@register_model
def resnet_34(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-34: basic blocks (3, 4, 6, 3); 21,797,672 parameters (torchvision
    ``resnet34``)."""
    return build_resnet(BasicBlock, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-50: bottleneck blocks (3, 4, 6, 3); 25,557,032 parameters (torchvision
    ``resnet50``)."""
    return build_resnet(Bottleneck, (3, 4, 6, 3), num_classes, weights, **kwargs)


@register_model
def resnet_101(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-101: bottleneck blocks (3, 4, 23, 3); 44,549,160 parameters (torchvision
    ``resnet101``)."""
    return build_resnet(Bottleneck, (3, 4, 23, 3), num_classes, weights, **kwargs)


@register_model
def resnet_152(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-152: bottleneck blocks (3, 8, 36, 3); 60,192,808 parameters (torchvision
    ``resnet152``)."""
    return build_resnet(Bottleneck, (3, 8, 36, 3), num_classes, weights, **kwargs)


@register_model
def resnet_200(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-200: bottleneck blocks (3, 24, 36, 3); 64,673,832 parameters (timm
    ``resnet200``).

    Departure of the original Lucid: it built ResNet-200 from pre-activation bottlenecks
    (He et al., "Identity Mappings in Deep Residual Networks", 2016) with no final batch
    norm; this is the post-activation network of timm's ``resnet200``, whose weights load.
    """
    return build_resnet(Bottleneck, (3, 24, 36, 3), num_classes, weights, **kwargs)


@register_model
def resnet_269(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """ResNet-269: bottleneck blocks (3, 30, 48, 8); 102,073,384 parameters.

    No library publishes a plain ResNet-269 (timm's ``seresnet269d`` adds SE, a deep stem
    and average-pool shortcuts); the depth is ResNeSt-269's. Verified against timm's
    ``ResNet(Bottleneck, [3, 30, 48, 8])``. Departure of the original Lucid: pre-activation
    bottlenecks without a final batch norm.
    """
    return build_resnet(Bottleneck, (3, 30, 48, 8), num_classes, weights, **kwargs)


@register_model
def wide_resnet_50(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """Wide ResNet-50-2 (Zagoruyko & Komodakis, 2016, as torchvision's
    ``wide_resnet50_2``): ResNet-50 with bottlenecks twice as wide (``base_width=128``);
    68,883,240 parameters."""
    return build_resnet(Bottleneck, (3, 4, 6, 3), num_classes, weights, base_width=128,
                        **kwargs)


@register_model
def wide_resnet_101(num_classes: int = 1000, weights=None, **kwargs) -> ResNet:
    """Wide ResNet-101-2 (torchvision ``wide_resnet101_2``): ResNet-101 with bottlenecks
    twice as wide (``base_width=128``); 126,886,696 parameters."""
    return build_resnet(Bottleneck, (3, 4, 23, 3), num_classes, weights, base_width=128,
                        **kwargs)
