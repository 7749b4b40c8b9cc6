"""Activation functions, composed from Lucid ops (their gradients come from those ops);
``softmax`` and ``log_softmax`` are core's ops.

Branches are written with ``where`` on a masked input, so the branch that is not taken
never overflows and never sends ``inf * 0`` into the gradient.
"""

from __future__ import annotations

import math

import lucid
from lucid.ops.softmax import log_softmax, softmax
from lucid.tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "swish",
    "mish", "sigmoid", "hardsigmoid", "hardswish", "hardtanh", "tanh", "softplus", "softsign",
    "softmax", "log_softmax", "softmin", "logsigmoid", "tanhshrink", "threshold", "glu",
    "prelu",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _inplace(x: Tensor, y: Tensor, inplace: bool) -> Tensor:
    return x._assign(y) if inplace else y


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; the gradient at 0 is 0."""
    return _inplace(input, lucid.relu(input), inplace)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``; gradient 1 strictly inside, 0 outside; NaN stays NaN
    (the bounds are picked where ``x <= min_val`` / ``x >= max_val``, both false for NaN)."""
    out = lucid.where(input <= min_val, min_val, lucid.where(input >= max_val, max_val, input))
    return _inplace(input, out, inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, else ``negative_slope * x``."""
    return _inplace(input, lucid.where(input > 0, input, input * negative_slope), inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for ``x > 0``, else ``alpha * (e^x - 1)``."""
    negative = lucid.where(input > 0, 0.0, input)
    return _inplace(input, lucid.where(input > 0, input, lucid.expm1(negative) * alpha),
                    inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (e^(x / alpha) - 1))``."""
    negative = lucid.where(input > 0, 0.0, input)
    out = lucid.where(input > 0, input, lucid.expm1(negative / alpha) * alpha)
    return _inplace(input, out, inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with ``alpha ~ 1.6733``, ``scale ~ 1.0507``."""
    return _inplace(input, elu(input, _SELU_ALPHA) * _SELU_SCALE, inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``x * Phi(x) = x/2 * (1 + erf(x / sqrt 2))``; with ``approximate="tanh"``:
    ``x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``."""
    if approximate == "none":
        return input * 0.5 * (lucid.erf(input * (1.0 / math.sqrt(2.0))) + 1.0)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (lucid.tanh(inner) + 1.0)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + e^-x)``."""
    return lucid.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """``(e^x - e^-x) / (e^x + e^-x)``."""
    return lucid.tanh(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    return _inplace(input, input * lucid.sigmoid(input), inplace)


swish = silu


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + e^(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    linear = input * beta > threshold
    safe = lucid.where(linear, 0.0, input)
    return lucid.where(linear, input, lucid.log1p(lucid.exp(safe * beta)) / beta)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    return _inplace(input, input * lucid.tanh(softplus(input)), inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``0`` for ``x <= -3``, ``1`` for ``x >= 3``, else ``x / 6 + 1/2`` (NaN stays NaN)."""
    out = lucid.where(input <= -3.0, 0.0, lucid.where(input >= 3.0, 1.0, input / 6.0 + 0.5))
    return _inplace(input, out, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``0`` for ``x < -3``, ``x`` for ``x > 3``, else ``x (x + 3) / 6``."""
    out = lucid.where(input < -3.0, 0.0,
                      lucid.where(input <= 3.0, input * (input + 3.0) / 6.0, input))
    return _inplace(input, out, inplace)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (lucid.abs(input) + 1.0)


def logsigmoid(input: Tensor) -> Tensor:
    """``log sigmoid(x) = -softplus(-x)``."""
    return -softplus(-input)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return input - lucid.tanh(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``value`` where ``x <= threshold``, else ``x`` (NaN stays NaN, as in PyTorch)."""
    return _inplace(input, lucid.where(input <= threshold, value, input), inplace)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` for ``x > 0``, else ``weight * x`` (``weight`` per channel, dim 1)."""
    if weight.numel() > 1 and input.ndim >= 2:
        weight = weight.reshape((1, -1) + (1,) * (input.ndim - 2))
    return lucid.where(input > 0, input, input * weight)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)`` where ``a, b`` are the two halves of ``input`` along ``dim``."""
    a, b = lucid.chunk(input, 2, dim)
    return a * lucid.sigmoid(b)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    """``softmax(-x)``."""
    return softmax(-input, dim, _stacklevel, dtype)
