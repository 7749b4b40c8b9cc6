"""Sine positional encoding of DETR (Carion et al., ECCV 2020; "Attention Is All You Need"
generalised to 2-D).

With ``y, x`` the cumulative counts of valid (non-padding) pixels down and across, normalised
to ``(0, 2 pi]`` by the image's valid extent, and ``d = num_pos_feats``:
``PE(p)_{2i} = sin(p / T^{2i/d})``, ``PE(p)_{2i+1} = cos(p / T^{2i/d})``; the y code and the
x code are concatenated to ``2d`` channels. Not learned: computed on the host from the mask.
"""

from __future__ import annotations

import math

import numpy as np

import lucid

__all__ = ["sine_position_encoding"]


def sine_position_encoding(mask: np.ndarray, num_pos_feats: int = 128,
                           temperature: float = 10000.0, dtype=None, device=None):
    """``mask (N, H, W)`` (True = padding) -> encoding ``(N, 2 * num_pos_feats, H, W)``."""
    valid = (~mask).astype(np.float32)
    y = np.cumsum(valid, axis=1)
    x = np.cumsum(valid, axis=2)
    eps, scale = 1e-6, 2 * math.pi
    y = y / (y[:, -1:, :] + eps) * scale
    x = x / (x[:, :, -1:] + eps) * scale
    dim_t = temperature ** (2 * (np.arange(num_pos_feats) // 2) / num_pos_feats)
    codes = []
    for p in (y, x):
        v = p[..., None] / dim_t.astype(np.float32)
        codes.append(np.stack([np.sin(v[..., 0::2]), np.cos(v[..., 1::2])], axis=4)
                     .reshape(*v.shape[:3], -1))
    pos = np.concatenate(codes, axis=3).transpose(0, 3, 1, 2)
    return lucid.tensor(np.ascontiguousarray(pos, dtype=np.float32), dtype=dtype, device=device)
