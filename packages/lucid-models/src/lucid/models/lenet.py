"""LeNet-1, LeNet-4 and LeNet-5 (LeCun et al., 1998) for 1x28x28 inputs.

Convolutions without padding, tanh activations and 2x2 average pooling, as in the paper:

* LeNet-1: conv 1->4 (5x5), pool, conv 4->12 (5x5), pool, linear 192->C      (3,246 params)
* LeNet-4: conv 1->4 (5x5), pool, conv 4->16 (5x5), pool, 256->120->C
* LeNet-5: conv 1->6 (5x5), pool, conv 6->16 (5x5), pool, 256->120->84->C   (44,426 params)
"""

from __future__ import annotations

from lucid import nn
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = ["LeNet", "lenet_1", "lenet_4", "lenet_5"]


class LeNet(nn.Module):
    """A LeNet: ``features`` (conv/tanh/avg-pool stages) then ``classifier`` (linear/tanh).

    Args:
        conv_channels: output channels of each 5x5 convolution, e.g. ``(6, 16)``.
        hidden: sizes of the hidden linear layers, e.g. ``(120, 84)``.
        num_classes: number of outputs (default 10).
        in_channels: input channels (default 1), image_size: input side (default 28).
    """

    def __init__(self, conv_channels=(6, 16), hidden=(120, 84), num_classes: int = 10,
                 in_channels: int = 1, image_size: int = 28) -> None:
        super().__init__()
        layers, channels, side = [], in_channels, image_size
        for out in conv_channels:
            layers += [nn.Conv2d(channels, out, kernel_size=5), nn.Tanh(),
                       nn.AvgPool2d(kernel_size=2, stride=2)]
            channels, side = out, (side - 4) // 2
        self.features = nn.Sequential(*layers)
        sizes = [channels * side * side, *hidden]
        head = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            head += [nn.Linear(n_in, n_out), nn.Tanh()]
        head.append(nn.Linear(sizes[-1], num_classes))
        self.classifier = nn.Sequential(*head)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def _lenet(conv_channels, hidden, num_classes, weights, **kwargs) -> LeNet:
    model = LeNet(conv_channels, hidden, num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def lenet_1(num_classes: int = 10, weights=None, **kwargs) -> LeNet:
    """LeNet-1: two conv stages (4, 12 channels) and one linear layer."""
    return _lenet((4, 12), (), num_classes, weights, **kwargs)


@register_model
def lenet_4(num_classes: int = 10, weights=None, **kwargs) -> LeNet:
    """LeNet-4: conv stages of 4 and 16 channels, one hidden layer of 120."""
    return _lenet((4, 16), (120,), num_classes, weights, **kwargs)


@register_model
def lenet_5(num_classes: int = 10, weights=None, **kwargs) -> LeNet:
    """LeNet-5: conv stages of 6 and 16 channels, hidden layers of 120 and 84."""
    return _lenet((6, 16), (120, 84), num_classes, weights, **kwargs)
