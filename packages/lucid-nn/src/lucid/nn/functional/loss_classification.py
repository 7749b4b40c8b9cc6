"""Classification losses: ``nll_loss``, ``cross_entropy`` (core's fused ops, same
signatures as PyTorch's), ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``;
PyTorch's arguments and reductions.

Class-index targets: ``input (N, C, *d)`` (or ``(C,)``), ``target (N, *d)`` of int64.
With ``reduction="mean"`` the sum is divided by the total weight of the non-ignored
targets, as in PyTorch.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.nn.functional.loss import apply_reduction
from lucid.ops.cross_entropy import cross_entropy, nll_loss
from lucid.ops.loss_reduction import legacy_reduction
from lucid.tensor import Tensor

__all__ = ["nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits"]


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``-w (y log x + (1 - y) log(1 - x))`` for probabilities ``x``; each log is clamped
    to ``>= -100`` as in PyTorch."""
    if input.shape != target.shape:
        raise ShapeError(f"binary_cross_entropy: target shape {target.shape} must equal "
                         f"input shape {input.shape}")
    log_x = lucid.clip(lucid.log(input), -100.0, None)
    log_1mx = lucid.clip(lucid.log(1.0 - input), -100.0, None)
    loss = -(target * log_x + (1.0 - target) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return apply_reduction(loss, legacy_reduction(size_average, reduce, reduction),
                           "binary_cross_entropy")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """``-w (p y log s(x) + (1 - y) log(1 - s(x)))`` with ``s`` the sigmoid and ``p`` the
    ``pos_weight``, computed stably as
    ``(1 - y) x + (1 + (p - 1) y) (log(1 + e^-|x|) + max(-x, 0))``."""
    if input.shape != target.shape:
        raise ShapeError(f"binary_cross_entropy_with_logits: target shape {target.shape} "
                         f"must equal input shape {input.shape}")
    softplus_neg = lucid.log1p(lucid.exp(-lucid.abs(input))) + lucid.where(input < 0, -input,
                                                                            0.0)
    if pos_weight is not None:
        loss = (1.0 - target) * input + ((pos_weight - 1.0) * target + 1.0) * softplus_neg
    else:
        loss = (1.0 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return apply_reduction(loss, legacy_reduction(size_average, reduce, reduction),
                           "binary_cross_entropy_with_logits")
