"""``sigmoid_focal_loss`` (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017),
as ``torchvision.ops.sigmoid_focal_loss``::

    p = sigmoid(x),  p_t = p y + (1 - p)(1 - y),  alpha_t = alpha y + (1 - alpha)(1 - y)
    FL = alpha_t (1 - p_t)^gamma BCE(x, y)          (alpha < 0: no alpha_t factor)
"""

from __future__ import annotations

import lucid.nn.functional as F

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha: float = 0.25, gamma: float = 2.0,
                       reduction: str = "none"):
    """Focal loss of logits ``inputs`` against 0/1 ``targets``; ``reduction`` ``"none"``,
    ``"mean"`` or ``"sum"``."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"sigmoid_focal_loss: reduction must be 'none', 'mean' or 'sum', "
                         f"got {reduction!r}")
    p = inputs.sigmoid()
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()
