"""``ConvNormAct``: convolution, batch norm, activation as a ``Sequential`` (children
``0``, ``1``, ``2``), the layout of torchvision's ``Conv2dNormActivation``, so MobileNet
V2/V3 and EfficientNet state dicts load by name::

    y = act(BN(conv_{k x k, stride, groups}(x)))     padding = (k - 1) // 2 * dilation

The convolution has no bias (the batch norm's shift replaces it). ``activation=None``
leaves out the activation (a linear projection, as in the last 1x1 of an inverted
residual). For timm's layout (children ``conv``/``bn``) use ``nn.ConvBNReLU2d``.
"""

from __future__ import annotations

from lucid import nn

__all__ = ["ConvNormAct"]


class ConvNormAct(nn.Sequential):
    """``act(bn(conv(x)))`` with torchvision's child names ``0``/``1``/``2``.

    Args:
        in_channels, out_channels, kernel_size (3), stride (1), groups (1), dilation (1).
        activation: module class built with no arguments (default ``nn.ReLU``) or None.
        bn_eps (1e-5), bn_momentum (0.1): the batch norm's options (EfficientNet: 1e-3).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3,
                 stride: int = 1, groups: int = 1, dilation: int = 1,
                 activation: type[nn.Module] | None = nn.ReLU, bn_eps: float = 1e-5,
                 bn_momentum: float = 0.1) -> None:
        padding = (kernel_size - 1) // 2 * dilation
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                            padding=padding, dilation=dilation, groups=groups, bias=False),
                  nn.BatchNorm2d(out_channels, eps=bn_eps, momentum=bn_momentum)]
        if activation is not None:
            layers.append(activation())
        super().__init__(*layers)
        self.out_channels = out_channels
