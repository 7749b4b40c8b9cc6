"""Box regression coding of R-CNN (Girshick et al., CVPR 2014), as torchvision's ``BoxCoder``.

For a reference box (centre ``x_a, y_a``, size ``w_a, h_a``) and a target box ``(x, y, w, h)``:
``t = (wx (x - x_a) / w_a, wy (y - y_a) / h_a, ww log(w / w_a), wh log(h / h_a))``.
Decoding inverts it, with ``dw, dh`` clamped at ``log(1000 / 16)`` before the exponential.
"""

from __future__ import annotations

import math

import lucid

__all__ = ["BoxCoder"]


def _centre_size(boxes):
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    return boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h, w, h


class BoxCoder:
    """Encode/decode ``(N, 4)`` xyxy boxes relative to reference boxes."""

    def __init__(self, weights=(1.0, 1.0, 1.0, 1.0),
                 bbox_xform_clip: float = math.log(1000.0 / 16)) -> None:
        self.weights = tuple(float(w) for w in weights)
        self.bbox_xform_clip = bbox_xform_clip

    def encode(self, targets, references):
        """Regression targets ``(N, 4)`` taking ``references`` to ``targets``."""
        wx, wy, ww, wh = self.weights
        rx, ry, rw, rh = _centre_size(references)
        tx, ty, tw, th = _centre_size(targets)
        return lucid.stack([wx * (tx - rx) / rw, wy * (ty - ry) / rh,
                            ww * lucid.log(tw / rw), wh * lucid.log(th / rh)], dim=1)

    def decode(self, codes, references):
        """Boxes ``(N, K, 4)`` from codes ``(N, 4K)`` (K classes) and ``(N, 4)`` references."""
        n = references.shape[0]
        codes = codes.reshape(n, -1, 4)
        wx, wy, ww, wh = self.weights
        rx, ry, rw, rh = (v[:, None] for v in _centre_size(references))
        dx, dy = codes[..., 0] / wx, codes[..., 1] / wy
        dw = (codes[..., 2] / ww).clamp(max=self.bbox_xform_clip)
        dh = (codes[..., 3] / wh).clamp(max=self.bbox_xform_clip)
        cx, cy = dx * rw + rx, dy * rh + ry
        half_w, half_h = 0.5 * (lucid.exp(dw) * rw), 0.5 * (lucid.exp(dh) * rh)
        return lucid.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], dim=2)
