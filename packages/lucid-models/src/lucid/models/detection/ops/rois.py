"""The two ways ``roi_align``/``roi_pool`` accept regions: a ``(K, 5)`` tensor of
``(batch_index, x1, y1, x2, y2)`` rows, or a list with one ``(K_i, 4)`` xyxy tensor per image
(torchvision's convention). Both become one ``(K, 5)`` float64 NumPy array."""

from __future__ import annotations

import numpy as np

import lucid
from lucid.errors import ShapeError

__all__ = ["rois_to_numpy", "pair"]


def pair(op: str, size) -> tuple[int, int]:
    """``output_size`` as ``(height, width)``; an int means a square."""
    if isinstance(size, int):
        return size, size
    size = tuple(int(s) for s in size)
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"{op}: output_size must be an int or (h, w) of positive ints, got {size}")
    return size


def rois_to_numpy(op: str, boxes, batch: int) -> np.ndarray:
    """``(K, 5)`` rows ``(batch_index, x1, y1, x2, y2)`` from either accepted form."""
    if isinstance(boxes, (list, tuple)):
        parts = []
        for i, b in enumerate(boxes):
            if b.ndim != 2 or b.shape[-1] != 4:
                raise ShapeError(f"{op}: boxes[{i}] must have shape (K, 4), got {tuple(b.shape)}")
            arr = np.asarray(b.numpy(), dtype=np.float64).reshape(-1, 4)
            parts.append(np.concatenate([np.full((arr.shape[0], 1), i), arr], axis=1))
        rois = np.concatenate(parts, axis=0) if parts else np.zeros((0, 5))
    elif isinstance(boxes, lucid.Tensor):
        if boxes.ndim != 2 or boxes.shape[-1] != 5:
            raise ShapeError(f"{op}: a boxes tensor must have shape (K, 5) "
                             f"(batch_index, x1, y1, x2, y2), got {tuple(boxes.shape)}")
        rois = np.asarray(boxes.numpy(), dtype=np.float64)
    else:
        raise TypeError(f"{op}: boxes must be a (K, 5) Tensor or a list of (K_i, 4) Tensors, "
                        f"got {type(boxes).__name__}")
    if rois.shape[0] and (rois[:, 0].min() < 0 or rois[:, 0].max() >= batch):
        raise ValueError(f"{op}: batch indices must lie in [0, {batch}), got "
                         f"{sorted(set(rois[:, 0].astype(int).tolist()))}")
    return rois
