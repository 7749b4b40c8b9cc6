"""Colour transforms: ``Grayscale``, ``RandomGrayscale`` (layouts: see
:mod:`lucid.transforms.base`).

Luma as torchvision computes it on tensors (ITU-R 601-2):
``L = 0.2989 R + 0.587 G + 0.114 B``, cast back to the image's dtype (integers truncated,
as torchvision's ``.to(dtype)``); a one-channel image is already grey.
"""

from __future__ import annotations

import numpy as np

from lucid.transforms.base import RandomTransform, SpatialTransform

__all__ = ["Grayscale", "RandomGrayscale"]

_LUMA = np.array([0.2989, 0.587, 0.114], dtype=np.float32)


def grayscale_nhwc(a: np.ndarray, num_output_channels: int) -> np.ndarray:
    """``a (N, H, W, C)`` with ``C`` 1 or 3 -> its luma, repeated to ``num_output_channels``."""
    channels = a.shape[-1]
    if channels not in (1, 3):
        raise ValueError(f"grayscale: expects 1 or 3 channels, got {channels} (shape "
                         f"{a.shape})")
    luma = a[..., :1] if channels == 1 else \
        (a.astype(np.float32) @ _LUMA)[..., None].astype(a.dtype)
    return np.repeat(luma, num_output_channels, axis=-1)


class Grayscale(SpatialTransform):
    """The image's luma, ``num_output_channels`` (1 or 3) times."""

    def __init__(self, num_output_channels: int = 1) -> None:
        if num_output_channels not in (1, 3):
            raise ValueError(f"Grayscale: num_output_channels must be 1 or 3, got "
                             f"{num_output_channels}")
        self.num_output_channels = num_output_channels

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        return grayscale_nhwc(a, self.num_output_channels)


class RandomGrayscale(SpatialTransform, RandomTransform):
    """With probability ``p`` (each sample on its own), the image's luma in every channel
    (the channel count is kept)."""

    def __init__(self, p: float = 0.1, generator=None) -> None:
        RandomTransform.__init__(self, generator)
        if not 0 <= p <= 1:
            raise ValueError(f"RandomGrayscale: p must be in [0, 1], got {p}")
        self.p = float(p)

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        pick = self.generator.random(len(a)) < self.p
        if not pick.any():
            return a
        out = a.copy()
        out[pick] = grayscale_nhwc(a[pick], a.shape[-1])
        return out
