"""AlexNet (Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS 2012), in the single-tower form of torchvision's ``alexnet``
("One weird trick", Krizhevsky 2014: 64/192 channels in the first two layers, no local
response normalisation), whose parameter names it keeps::

    features:   conv 11x11/4 (64) - relu - maxpool 3/2 - conv 5x5 (192) - relu - maxpool 3/2
                - conv 3x3 (384) - relu - conv 3x3 (256) - relu - conv 3x3 (256) - relu
                - maxpool 3/2
    avgpool:    adaptive average pool to 6x6
    classifier: dropout - fc 9216->4096 - relu - dropout - fc 4096->4096 - relu - fc -> classes

61,100,840 parameters at 1000 classes. Linear and convolution layers keep their default
(PyTorch) initialisation, as torchvision.
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["AlexNet", "alexnet"]


def make_features(in_channels: int = 3) -> nn.Sequential:
    """The five convolutions and three max-pools of AlexNet (``features``)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 64, 11, stride=4, padding=2), nn.ReLU(),
        nn.MaxPool2d(3, stride=2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(),
        nn.MaxPool2d(3, stride=2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, stride=2))


class AlexNet(nn.Module):
    """AlexNet. Args: ``num_classes`` (1000), ``dropout`` (0.5), ``in_channels`` (3)."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5,
                 in_channels: int = 3) -> None:
        super().__init__()
        self.features = make_features(in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


@register_model
def alexnet(num_classes: int = 1000, weights=None, **kwargs) -> AlexNet:
    """AlexNet (torchvision ``alexnet``); 61,100,840 parameters."""
    model = AlexNet(num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model
