"""Relative positions inside a ``Wh x Ww`` window (Swin, Liu et al. 2021; Swin V2, Liu et al.
2022), shared by every windowed attention.

``relative_position_index(Wh, Ww)``: for tokens ``i = (y_i, x_i)`` and ``j = (y_j, x_j)`` of
the window (row-major), ``(y_i - y_j + Wh - 1) * (2 Ww - 1) + (x_i - x_j + Ww - 1)``: the row
of a ``((2Wh - 1)(2Ww - 1), heads)`` bias table holding the bias of that offset; shape
``(Wh Ww, Wh Ww)``.

``log_spaced_coords(Wh, Ww, pretrained=None)``: Swin V2's continuous position input of the
bias MLP, every offset ``d`` in ``[-(W-1), W-1]`` per axis mapped to::

    d' = 8 d / (W_p - 1)          W_p = the pretrained window (or W itself)
    c  = sign(d') log2(1 + |d'|) / log2(8)

shape ``(2Wh - 1, 2Ww - 1, 2)`` (row offset, column offset).
"""

from __future__ import annotations

import numpy as np

__all__ = ["relative_position_index", "log_spaced_coords"]


def relative_position_index(wh: int, ww: int) -> np.ndarray:
    ys, xs = np.meshgrid(np.arange(wh), np.arange(ww), indexing="ij")
    coords = np.stack([ys.ravel(), xs.ravel()])            # (2, Wh Ww)
    rel = coords[:, :, None] - coords[:, None, :]          # (2, N, N)
    return ((rel[0] + wh - 1) * (2 * ww - 1) + rel[1] + ww - 1).astype(np.int64)


def log_spaced_coords(wh: int, ww: int, pretrained: tuple[int, int] | None = None) -> np.ndarray:
    ph, pw = pretrained if pretrained else (wh, ww)
    dy, dx = np.meshgrid(np.arange(-(wh - 1), wh, dtype=np.float32),
                         np.arange(-(ww - 1), ww, dtype=np.float32), indexing="ij")
    table = np.stack([dy / max(ph - 1, 1), dx / max(pw - 1, 1)], axis=-1) * 8.0
    return (np.sign(table) * np.log2(np.abs(table) + 1.0) / np.log2(8.0)).astype(np.float32)
