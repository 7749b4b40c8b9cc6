"""Anchor generation for region proposal networks (Ren et al., "Faster R-CNN", NeurIPS 2015),
as torchvision's ``AnchorGenerator``.

Per feature level, the cell anchors for sizes ``s`` and aspect ratios ``r = h / w`` are the
zero-centred boxes ``round((-w/2, -h/2, w/2, h/2))`` with ``h = s * sqrt(r)``,
``w = s / sqrt(r)`` (ordered ratio-major). They are shifted to every feature-map cell
``(x * stride_w, y * stride_h)``, ``stride = image_size // feature_size``, giving
``H * W * A`` anchors per level in row-major cell order, anchors of a cell contiguous; the
levels are concatenated.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn

__all__ = ["AnchorGenerator", "cell_anchors"]


def cell_anchors(sizes, aspect_ratios) -> np.ndarray:
    """``(len(ratios) * len(sizes), 4)`` zero-centred xyxy anchors of one level."""
    scales = np.asarray(sizes, dtype=np.float32)
    h_ratios = np.sqrt(np.asarray(aspect_ratios, dtype=np.float32))
    w_ratios = (1.0 / h_ratios).astype(np.float32)
    ws = (w_ratios[:, None] * scales[None, :]).reshape(-1)
    hs = (h_ratios[:, None] * scales[None, :]).reshape(-1)
    return np.round(np.stack([-ws, -hs, ws, hs], axis=1) / 2).astype(np.float32)


class AnchorGenerator(nn.Module):
    """Anchors for a list of feature maps.

    Args:
        sizes: one tuple of anchor sizes (pixels) per feature level.
        aspect_ratios: one tuple of ratios ``h / w`` per level (a single tuple is repeated).
    """

    def __init__(self, sizes=((128, 256, 512),), aspect_ratios=((0.5, 1.0, 2.0),)) -> None:
        super().__init__()
        if not isinstance(sizes[0], (list, tuple)):
            sizes = tuple((s,) for s in sizes)
        if not isinstance(aspect_ratios[0], (list, tuple)):
            aspect_ratios = (aspect_ratios,) * len(sizes)
        if len(aspect_ratios) != len(sizes):
            raise ValueError(f"AnchorGenerator: {len(sizes)} size levels but "
                             f"{len(aspect_ratios)} aspect-ratio levels")
        self.sizes, self.aspect_ratios = sizes, aspect_ratios
        self.cell = [cell_anchors(s, r) for s, r in zip(sizes, aspect_ratios)]

    def num_anchors_per_location(self) -> list[int]:
        return [len(s) * len(r) for s, r in zip(self.sizes, self.aspect_ratios)]

    def grid_anchors(self, grid_sizes, strides) -> np.ndarray:
        """All anchors of all levels as one ``(sum H*W*A, 4)`` float32 array."""
        if len(grid_sizes) != len(self.cell):
            raise ValueError(f"AnchorGenerator: {len(self.cell)} anchor levels but "
                             f"{len(grid_sizes)} feature maps")
        out = []
        for (gh, gw), (sh, sw), base in zip(grid_sizes, strides, self.cell):
            sx = np.arange(gw, dtype=np.float32) * sw
            sy = np.arange(gh, dtype=np.float32) * sh
            yy, xx = np.meshgrid(sy, sx, indexing="ij")
            shifts = np.stack([xx.ravel(), yy.ravel(), xx.ravel(), yy.ravel()], axis=1)
            out.append((shifts[:, None, :] + base[None, :, :]).reshape(-1, 4))
        return np.concatenate(out, axis=0)

    def forward(self, image_size, feature_maps):
        """Anchors ``(A_total, 4)`` for an (padded) image of ``image_size = (h, w)``."""
        grid_sizes = [tuple(f.shape[-2:]) for f in feature_maps]
        strides = [(image_size[0] // g[0], image_size[1] // g[1]) for g in grid_sizes]
        ref = feature_maps[0]
        return lucid.tensor(self.grid_anchors(grid_sizes, strides), dtype=ref.dtype,
                            device=ref.device)
