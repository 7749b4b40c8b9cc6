"""ZFNet (Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks", ECCV
2014, Fig. 3): AlexNet with a 7x7 stride-2 first layer and a stride-2 second layer, on
224x224 inputs::

    conv 7x7/2 (96) - relu - maxpool 3/2 - LRN          224 -> 110 -> 55
    conv 5x5/2 (256) - relu - maxpool 3/2 - LRN         55 -> 26 -> 13
    conv 3x3 (384) - relu - conv 3x3 (384) - relu - conv 3x3 (256) - relu - maxpool 3/2
                                                        13 -> 6
    fc 9216->4096 - relu - dropout - fc 4096->4096 - relu - dropout - fc -> classes

"LRN" is the paper's contrast normalisation across feature maps (``LocalResponseNorm``,
size 5, alpha 1e-4, beta 0.75, k 2 as AlexNet's). Padding (1 on the first convolution and
the first two pools) is chosen so the map sizes are the figure's. The paper gives no
parameter count; the figure's layers have 62,357,608 parameters at 1000 classes (by hand:
96*3*49+96 + 256*96*25+256 + 384*256*9+384 + 384*384*9+384 + 256*384*9+256
+ 9216*4096+4096 + 4096*4096+4096 + 4096*1000+1000). No library implements ZFNet, so the
tests check this count and the figure's map sizes. An adaptive average pool to 6x6 before
the classifier lets other input sizes through (the identity at 224x224).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["ZFNet", "zfnet"]


class ZFNet(nn.Module):
    """ZFNet. Args: ``num_classes`` (1000), ``dropout`` (0.5), ``in_channels`` (3)."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5,
                 in_channels: int = 3) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 96, 7, stride=2, padding=1), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
            nn.Conv2d(96, 256, 5, stride=2), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1), nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


@register_model
def zfnet(num_classes: int = 1000, weights=None, **kwargs) -> ZFNet:
    """ZFNet (Zeiler & Fergus 2014, Fig. 3); 62,357,608 parameters."""
    model = ZFNet(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
