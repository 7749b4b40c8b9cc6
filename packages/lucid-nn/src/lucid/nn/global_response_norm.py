"""``GlobalResponseNorm``: ConvNeXt V2's channel-competition layer (the formula is in
:mod:`lucid.nn.functional.global_response_norm`).

``y = x + weight * (x * N(x)) + bias`` with ``N_c = ||x_c||_2 / (mean_c ||x_c||_2 + eps)``.
``weight`` and ``bias`` (shape ``(C,)``, timm's names and shapes, so timm's ConvNeXt V2
checkpoints load unchanged) start at zero, so a fresh layer is the identity.
"""

from __future__ import annotations

import lucid
from lucid.nn import init
from lucid.nn.functional.global_response_norm import global_response_norm
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter
from lucid.tensor import Tensor

__all__ = ["GlobalResponseNorm"]


class GlobalResponseNorm(Module):
    """Global response normalisation over ``(N, C, H, W)`` (or ``(N, H, W, C)`` with
    ``channels_last=True``).

    Args:
        dim: channels C.
        eps: added to the mean norm (default 1e-6, as the paper's code).
        channels_last: channel axis last instead of 1.

    >>> GlobalResponseNorm(8)(lucid.randn(2, 8, 5, 5)).shape
    (2, 8, 5, 5)
    """

    def __init__(self, dim: int, eps: float = 1e-6, channels_last: bool = False,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps
        self.channels_last = channels_last
        self.weight = Parameter(lucid.empty(dim, dtype=dtype, device=device or "cpu"))
        self.bias = Parameter(lucid.empty(dim, dtype=dtype, device=device or "cpu"))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.zeros_(self.weight)
        init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return global_response_norm(input, self.weight, self.bias, self.eps, self.channels_last)

    def extra_repr(self) -> str:
        return f"{self.dim}, eps={self.eps}, channels_last={self.channels_last}"
