"""Bicubic image resizing as two fixed linear maps (Keys' cubic convolution, ``a = -0.75``,
half-pixel centres: PyTorch's ``interpolate(mode="bicubic", align_corners=False)``)::

    y = R_h x R_w^T                   R (out, in): row o holds the four cubic weights
    s = (o + 0.5) in / out - 0.5      source position; taps floor(s) - 1 .. floor(s) + 2,
                                      clamped to the border
    w(d) = (a+2)|d|^3 - (a+3)|d|^2 + 1          |d| <= 1
    w(d) = a|d|^3 - 5a|d|^2 + 8a|d| - 4a        1 < |d| < 2

``lucid.nn.functional.interpolate`` has no bicubic mode; CrossViT's second branch needs one
(240 -> 224). As matrix products the resize is differentiable and runs on every backend.
"""

from __future__ import annotations

import math

import numpy as np

import lucid

__all__ = ["bicubic_matrix", "bicubic_resize"]

_A = -0.75


def _cubic(d: np.ndarray) -> np.ndarray:
    d = np.abs(d)
    near = ((_A + 2) * d - (_A + 3)) * d * d + 1
    far = ((_A * d - 5 * _A) * d + 8 * _A) * d - 4 * _A
    return np.where(d <= 1, near, np.where(d < 2, far, 0.0))


def bicubic_matrix(size_in: int, size_out: int) -> np.ndarray:
    """``(size_out, size_in)`` float32 resize matrix."""
    m = np.zeros((size_out, size_in), dtype=np.float64)
    scale = size_in / size_out
    for o in range(size_out):
        s = (o + 0.5) * scale - 0.5
        base = math.floor(s)
        for tap in range(base - 1, base + 3):
            m[o, min(max(tap, 0), size_in - 1)] += _cubic(np.float64(s - tap))
    return m.astype(np.float32)


def bicubic_resize(x, size: tuple[int, int]):
    """``(N, C, H, W) -> (N, C, size[0], size[1])``."""
    h, w = x.shape[-2:]
    if (h, w) == tuple(size):
        return x
    rh = lucid.tensor(bicubic_matrix(h, size[0]), device=x.device)
    rw = lucid.tensor(bicubic_matrix(w, size[1]).T, device=x.device)
    return rh @ x @ rw
