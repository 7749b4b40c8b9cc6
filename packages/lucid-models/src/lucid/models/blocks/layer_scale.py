"""``LayerScale2d``: a learnt per-channel scale of a residual branch (Touvron et al.,
"Going deeper with Image Transformers", ICCV 2021), for ``(N, C, H, W)``::

    y = gamma[None, :, None, None] * x          gamma (C,), constant ``init_value`` at start

A small ``init_value`` (MobileNetV4 hybrids: 1e-5) starts each branch near zero. The
parameter is called ``gamma`` (timm's ``LayerScale2d``).
"""

from __future__ import annotations

import lucid
from lucid import nn

__all__ = ["LayerScale", "LayerScale2d"]


class LayerScale2d(nn.Module):
    def __init__(self, dim: int, init_value: float = 1e-5) -> None:
        super().__init__()
        self.gamma = nn.Parameter(lucid.full((dim,), init_value))

    def forward(self, x):
        return x * self.gamma.reshape(1, -1, 1, 1)


class LayerScale(nn.Module):
    """``y = gamma * x`` over the last (channel) axis of ``(..., C)`` tokens (timm's
    ``LayerScale``, parameter ``gamma``)."""

    def __init__(self, dim: int, init_value: float = 1e-5) -> None:
        super().__init__()
        self.gamma = nn.Parameter(lucid.full((dim,), init_value))

    def forward(self, x):
        return x * self.gamma
