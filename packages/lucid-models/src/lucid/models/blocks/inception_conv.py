"""``inception_conv``: the convolution, batch norm, ReLU unit of every Inception-style network.

    y = ReLU(BN_{eps=1e-3}(conv_{k x k, no bias}(x)))

A :class:`lucid.nn.ConvBNReLU2d` (children ``conv``, ``bn``) with the options that
torchvision's ``BasicConv2d`` (GoogLeNet, Inception v3) and timm's ``ConvNormAct`` as built
by Inception v4 and Inception-ResNet v2 use: no convolution bias (the batch norm's shift
replaces it) and batch-norm ``eps = 0.001`` (the TensorFlow models these were ported from).
"""

from __future__ import annotations

from lucid import nn

__all__ = ["inception_conv"]


def inception_conv(in_channels: int, out_channels: int, kernel_size, stride=1,
                   padding=0) -> nn.ConvBNReLU2d:
    """``ConvBNReLU2d(in, out, kernel_size, stride, padding, conv_bias=False, eps=1e-3)``."""
    return nn.ConvBNReLU2d(in_channels, out_channels, kernel_size, stride=stride,
                           padding=padding, conv_bias=False, eps=1e-3)
