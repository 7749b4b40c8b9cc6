"""Random draws used by ``init`` and dropout, written on core's samplers.

``rand`` (uniform on [0, 1)) and ``randn`` (standard normal) come from core; every other
distribution here is an affine map of them.
"""

from __future__ import annotations

import lucid


def uniform(shape, low: float, high: float, dtype, device):
    """``U(low, high)`` of ``shape``: ``low + (high - low) * rand``."""
    u = lucid.rand(*shape, dtype=dtype, device=device)
    return u * (high - low) + low


def normal(shape, mean: float, std: float, dtype, device):
    """``N(mean, std^2)`` of ``shape``: ``mean + std * randn``."""
    return lucid.randn(*shape, dtype=dtype, device=device) * std + mean


def keep_mask(shape, p: float, dtype, device):
    """A 0/1 tensor where each entry is 1 with probability ``1 - p``: ``rand >= p``."""
    return (lucid.rand(*shape, dtype=dtype, device=device) >= p).astype(dtype)
