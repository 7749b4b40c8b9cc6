"""``dark_conv``: Darknet's convolution unit, ``act(BN(conv_{k x k, stride}(x)))``.

The convolution has no bias (the batch norm's shift replaces it) and padding ``k // 2``,
so a stride-1 unit keeps the spatial size and a stride-2 unit halves it. Darknet uses
``LeakyReLU(0.1)``; YOLOv4's backbone uses Mish. Children ``conv``/``bn``/``relu``
(``nn.ConvBNReLU2d``'s layout).
"""

from __future__ import annotations

from functools import partial

from lucid import nn

__all__ = ["dark_conv", "leaky"]

leaky = partial(nn.LeakyReLU, 0.1)


def dark_conv(in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
              activation=leaky) -> nn.ConvBNReLU2d:
    """Conv (no bias) + BN + activation (default ``LeakyReLU(0.1)``), padding ``k // 2``."""
    return nn.ConvBNReLU2d(in_channels, out_channels, kernel_size, stride=stride,
                           padding=kernel_size // 2, conv_bias=False, activation=activation)
