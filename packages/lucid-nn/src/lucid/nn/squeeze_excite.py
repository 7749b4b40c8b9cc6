"""Squeeze-and-excitation (Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018).

A channel gate computed from the globally pooled input::

    s = mean_{h,w} x                                  (N, C, 1, 1)
    g = gate(fc2(act(fc1(s))))                        (N, C, 1, 1)
    y = x * g

``fc1`` (C -> C_r) and ``fc2`` (C_r -> C) are 1x1 convolutions with biases, so the
parameter names and shapes are those of timm's ``SEModule`` and torchvision's
``SqueezeExcitation`` (``fc1.weight (C_r, C, 1, 1)``, ``fc1.bias``, ``fc2.*``). The original
Lucid used ``nn.Linear`` layers here (``(C_r, C)`` weights); the convolution form holds the
same numbers and loads reference checkpoints unchanged.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.nn.activation import ReLU, Sigmoid
from lucid.nn.conv import Conv2d
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["SEModule"]


class SEModule(Module):
    """Squeeze-and-excitation gate on ``(N, C, H, W)``.

    Args:
        in_channels: C.
        reduction: C_r = max(1, C // reduction) when ``reduced_channels`` is not given
            (default 16, the paper's ratio).
        reduced_channels: C_r explicitly (timm rounds ``C / 16`` to a multiple of 8:
            ``nn.utils.make_divisible``).
        activation: module class between fc1 and fc2 (default ``ReLU``).
        gate: module class producing the gate (default ``Sigmoid``; MobileNetV3 uses
            ``Hardsigmoid``).
        bias: biases on fc1/fc2 (default True).

    >>> SEModule(64)(lucid.randn(2, 64, 7, 7)).shape
    (2, 64, 7, 7)
    """

    def __init__(self, in_channels: int, reduction: int = 16, reduced_channels: int | None = None,
                 activation: type[Module] = ReLU, gate: type[Module] = Sigmoid,
                 bias: bool = True) -> None:
        super().__init__()
        if reduced_channels is None:
            if reduction < 1:
                raise ValueError(f"SEModule: reduction must be >= 1, got {reduction}")
            reduced_channels = max(1, in_channels // reduction)
        self.in_channels = in_channels
        self.fc1 = Conv2d(in_channels, reduced_channels, 1, bias=bias)
        self.act = activation()
        self.fc2 = Conv2d(reduced_channels, in_channels, 1, bias=bias)
        self.gate = gate()

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ShapeError(f"SEModule: expected input (N, {self.in_channels}, H, W), got "
                             f"shape {x.shape}")
        s = x.mean(axis=(2, 3), keepdims=True)
        return x * self.gate(self.fc2(self.act(self.fc1(s))))
