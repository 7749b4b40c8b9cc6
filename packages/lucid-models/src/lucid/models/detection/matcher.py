"""Assigning ground-truth boxes to anchors/proposals and sampling a training minibatch
(Faster R-CNN; torchvision's ``Matcher`` and ``BalancedPositiveNegativeSampler``).

Each prediction takes the ground truth of highest IoU; IoU ``< low`` -> background (-1),
``low <= IoU < high`` -> ignored (-2). With ``allow_low_quality_matches`` every prediction whose
IoU equals some ground truth's best IoU keeps that match. The sampler draws at most
``batch * positive_fraction`` positives (label >= 1) and fills the batch with negatives
(label 0), uniformly at random. Both run on the host (NumPy): assignments are not
differentiable.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Matcher", "BalancedPositiveNegativeSampler", "BELOW_LOW", "BETWEEN"]

BELOW_LOW, BETWEEN = -1, -2


class Matcher:
    def __init__(self, high: float, low: float, allow_low_quality_matches: bool = False):
        if low > high:
            raise ValueError(f"Matcher: low threshold {low} above high threshold {high}")
        self.high, self.low, self.allow_low = high, low, allow_low_quality_matches

    def __call__(self, iou: np.ndarray) -> np.ndarray:
        """``iou (G, P)`` -> matched ground-truth index per prediction, or -1/-2."""
        if iou.shape[0] == 0:
            return np.full(iou.shape[1], BELOW_LOW, dtype=np.int64)
        matches = iou.argmax(axis=0)
        best = iou.max(axis=0)
        out = matches.copy()
        out[best < self.low] = BELOW_LOW
        out[(best >= self.low) & (best < self.high)] = BETWEEN
        if self.allow_low:
            highest = iou.max(axis=1, keepdims=True)
            preds = np.nonzero(iou == highest)[1]
            out[preds] = matches[preds]
        return out


class BalancedPositiveNegativeSampler:
    def __init__(self, batch_size_per_image: int, positive_fraction: float, seed=None):
        self.batch, self.fraction = batch_size_per_image, positive_fraction
        self.rng = np.random.default_rng(seed)

    def __call__(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Boolean masks (positives, negatives) of the sampled predictions."""
        pos, neg = np.nonzero(labels >= 1)[0], np.nonzero(labels == 0)[0]
        n_pos = min(int(self.batch * self.fraction), pos.size)
        n_neg = min(self.batch - n_pos, neg.size)
        pos_mask = np.zeros(labels.shape, dtype=bool)
        neg_mask = np.zeros(labels.shape, dtype=bool)
        pos_mask[self.rng.permutation(pos)[:n_pos]] = True
        neg_mask[self.rng.permutation(neg)[:n_neg]] = True
        return pos_mask, neg_mask
