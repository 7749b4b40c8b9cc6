"""ResNet + feature pyramid backbone of Faster R-CNN (Lin et al., "Feature Pyramid Networks
for Object Detection", CVPR 2017), torchvision's ``resnet_fpn_backbone`` layout.

``body``: a Lucid ResNet without pooling/classifier, batch norms frozen, returning the
outputs C2..C5 of ``layer1..4``. ``fpn``: lateral 1x1 convolutions (``inner_blocks``) to 256
channels, top-down ``P_i = lateral(C_i) + nearest_upsample(P_{i+1})``, a 3x3 convolution
(``layer_blocks``) on each, and ``pool`` = 1x1 max-pool with stride 2 of the coarsest map.
"""

from __future__ import annotations

from lucid import nn
from lucid.nn import functional as F

__all__ = ["ResNetBody", "FeaturePyramidNetwork", "BackboneWithFPN"]


class ResNetBody(nn.Module):
    """The convolutional trunk of a ResNet (its modules, shared), returning C2..C5."""

    def __init__(self, resnet, trainable_layers: int = 3) -> None:
        super().__init__()
        for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"):
            setattr(self, name, getattr(resnet, name))
        if not 0 <= trainable_layers <= 5:
            raise ValueError(f"ResNetBody: trainable_layers must be in [0, 5], got "
                             f"{trainable_layers}")
        trainable = ["layer4", "layer3", "layer2", "layer1", "conv1"][:trainable_layers]
        if trainable_layers == 5:  # the whole body, stem batch norm included (torchvision)
            trainable.append("bn1")
        for name, p in self.named_parameters():
            if not any(name.startswith(t) for t in trainable):
                p.requires_grad_(False)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(x)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        return [c2, c3, c4, self.layer4(c4)]


class FeaturePyramidNetwork(nn.Module):
    def __init__(self, in_channels_list, out_channels: int = 256) -> None:
        super().__init__()
        self.inner_blocks = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(c, out_channels, 1)) for c in in_channels_list])
        self.layer_blocks = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(out_channels, out_channels, 3, padding=1))
             for _ in in_channels_list])
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, a=1)
                nn.init.constant_(m.bias, 0.0)

    def forward(self, feats):
        last = self.inner_blocks[-1](feats[-1])
        results = [self.layer_blocks[-1](last)]
        for i in range(len(feats) - 2, -1, -1):
            lateral = self.inner_blocks[i](feats[i])
            last = lateral + F.interpolate(last, size=tuple(lateral.shape[-2:]), mode="nearest")
            results.insert(0, self.layer_blocks[i](last))
        results.append(F.max_pool2d(results[-1], 1, 2, 0))
        return results


class BackboneWithFPN(nn.Module):
    """``body`` + ``fpn``; returns the five 256-channel maps P2..P5 and ``pool``."""

    def __init__(self, resnet, trainable_layers: int = 3, out_channels: int = 256) -> None:
        super().__init__()
        self.body = ResNetBody(resnet, trainable_layers)
        width = resnet.layer1[0].conv1.in_channels  # 64 for the standard stem
        expansion = type(resnet.layer1[0]).expansion
        self.fpn = FeaturePyramidNetwork([width * expansion * 2 ** i for i in range(4)],
                                         out_channels)
        self.out_channels = out_channels

    def forward(self, x):
        return self.fpn(self.body(x))
