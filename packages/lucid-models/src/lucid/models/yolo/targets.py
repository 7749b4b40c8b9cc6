"""Detection targets in torchvision's format, read into NumPy for target assignment.

A target is a dict per image: ``boxes`` ``(K, 4)`` in ``xyxy`` pixels and ``labels``
``(K,)`` integers in ``[0, num_classes)``. Assignment (which cell/anchor is responsible
for which box) is a discrete, non-differentiable step, done on the host.
"""

from __future__ import annotations

import numpy as np

from lucid.errors import ShapeError

__all__ = ["read_targets"]


def _host(value) -> np.ndarray:
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def read_targets(op: str, targets, batch: int, num_classes: int):
    """``[(boxes (K, 4) float64, labels (K,) int64), ...]`` of a batch, validated."""
    if len(targets) != batch:
        raise ShapeError(f"{op}: {len(targets)} targets for a batch of {batch} images")
    out = []
    for i, t in enumerate(targets):
        boxes = _host(t["boxes"]).astype(np.float64).reshape(-1, 4) if len(t["boxes"]) \
            else np.zeros((0, 4))
        labels = _host(t["labels"]).astype(np.int64).reshape(-1)
        if boxes.shape[0] != labels.shape[0]:
            raise ShapeError(f"{op}: target {i} has {boxes.shape[0]} boxes and "
                             f"{labels.shape[0]} labels")
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f"{op}: target {i} labels must lie in [0, {num_classes}), "
                             f"got {labels.min()}..{labels.max()}")
        out.append((boxes, labels))
    return out
