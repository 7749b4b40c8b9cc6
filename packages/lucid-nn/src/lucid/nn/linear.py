"""``Identity``, ``Linear`` and ``Bilinear``."""

from __future__ import annotations

import math

import lucid
from lucid.nn import functional as F
from lucid.nn import init
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter
from lucid.tensor import Tensor

__all__ = ["Identity", "Linear", "Bilinear"]


class Identity(Module):
    """``y = x``; accepts and ignores any constructor arguments."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x W^T + b``.

    Args: ``in_features``, ``out_features`` (ints), ``bias=True``, ``device=None``,
    ``dtype=None``. Shapes: ``(*, in_features) -> (*, out_features)``.
    Init: ``W ~ U(-k, k)``, ``b ~ U(-k, k)``, ``k = 1/sqrt(in_features)``
    (PyTorch's ``kaiming_uniform_(a=sqrt(5))`` gives the same bound for ``W``).

    Example::

        layer = nn.Linear(20, 30)
        layer(lucid.randn(128, 20)).shape  # (128, 30)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(lucid.empty(out_features, in_features, dtype=dtype,
                                            device=device or "cpu"))
        if bias:
            self.bias = Parameter(lucid.empty(out_features, dtype=dtype, device=device or "cpu"))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y_k = x1^T W_k x2 + b_k``; ``W`` of shape ``(out, in1, in2)``.
    Init: ``W, b ~ U(-k, k)``, ``k = 1/sqrt(in1_features)``."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        device = device or "cpu"
        self.weight = Parameter(lucid.empty(out_features, in1_features, in2_features,
                                            dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(lucid.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
