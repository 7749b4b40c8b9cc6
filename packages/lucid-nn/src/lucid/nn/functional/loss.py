"""Regression and divergence losses. ``reduction`` is ``"mean"`` (default), ``"sum"`` or
``"none"`` (the elementwise loss). Classification losses (cross entropy, NLL, BCE) live in
``loss_classification.py``."""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.ops.loss_reduction import legacy_reduction
from lucid.tensor import Tensor

__all__ = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "kl_div", "apply_reduction",
           "soft_margin_loss", "gaussian_nll_loss", "poisson_nll_loss", "cosine_similarity",
           "pairwise_distance"]


def apply_reduction(loss: Tensor, reduction: str, op: str = "loss") -> Tensor:
    """Apply ``reduction`` (``"mean"``, ``"sum"`` or ``"none"``) to an elementwise loss."""
    if reduction == "mean":
        return lucid.mean(loss)
    if reduction == "sum":
        return lucid.sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _check_same_shape(input: Tensor, target: Tensor, op: str) -> None:
    if input.shape != target.shape:
        raise ShapeError(f"{op}: input shape {input.shape} and target shape {target.shape} "
                         "differ")




def _weighted(loss: Tensor, weight, reduction: str, op: str) -> Tensor:
    """Elementwise ``weight * loss``; its ``mean`` is the weighted mean
    ``sum(w loss) / sum(w)`` (PyTorch's rule for ``mse_loss`` and ``l1_loss``)."""
    if weight is None:
        return apply_reduction(loss, reduction, op)
    weighted = loss * weight
    if reduction == "mean":
        return lucid.sum(weighted) / lucid.sum(lucid.broadcast_to(weight, loss.shape))
    return apply_reduction(weighted, reduction, op)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight=None) -> Tensor:
    """``(x - y)^2`` (times ``weight``; weighted mean for ``"mean"``)."""
    _check_same_shape(input, target, "mse_loss")
    diff = input - target
    return _weighted(diff * diff, weight, legacy_reduction(size_average, reduce, reduction),
                     "mse_loss")


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight=None) -> Tensor:
    """``|x - y|`` (times ``weight``; weighted mean for ``"mean"``)."""
    _check_same_shape(input, target, "l1_loss")
    return _weighted(lucid.abs(input - target), weight,
                     legacy_reduction(size_average, reduce, reduction), "l1_loss")


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight=None) -> Tensor:
    """``d^2 / 2`` for ``|d| < delta``, else ``delta * (|d| - delta / 2)``, ``d = x - y``."""
    _check_same_shape(input, target, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    d = input - target
    a = lucid.abs(d)
    loss = lucid.where(a < delta, d * d * 0.5, (a - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return apply_reduction(loss, reduction, "huber_loss")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """``d^2 / (2 beta)`` for ``|d| < beta``, else ``|d| - beta / 2`` (``beta = 0``: L1)."""
    _check_same_shape(input, target, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    d = input - target
    a = lucid.abs(d)
    loss = a if beta == 0 else lucid.where(a < beta, d * d * (0.5 / beta), a - 0.5 * beta)
    return apply_reduction(loss, legacy_reduction(size_average, reduce, reduction),
                               "smooth_l1_loss")


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """``y (log y - x)`` with ``x`` log-probabilities (``0`` where ``y = 0``); with
    ``log_target``: ``e^y (y - x)``. ``reduction="batchmean"`` divides the sum by the
    batch size (the true KL divergence)."""
    if log_target:
        loss = lucid.exp(target) * (target - input)
    else:
        safe = lucid.where(target > 0, target, 1.0)
        loss = lucid.where(target > 0, target * (lucid.log(safe) - input), target * 0.0)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction == "batchmean":
        return lucid.sum(loss) / (input.shape[0] if input.ndim else 1)
    return apply_reduction(loss, reduction, "kl_div")


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """``log(1 + e^(-y x))``."""
    from lucid.nn.functional.activation import softplus

    loss = softplus(-target * input)
    return apply_reduction(loss, legacy_reduction(size_average, reduce, reduction),
                               "soft_margin_loss")


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """``(log max(var, eps) + (x - y)^2 / max(var, eps)) / 2`` (+ ``log(2 pi) / 2``)."""
    import math

    v = lucid.clip(var, eps, None)
    loss = (lucid.log(v) + (input - target) ** 2 / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return apply_reduction(loss, reduction, "gaussian_nll_loss")


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,
                     full: bool = False, size_average=None, eps: float = 1e-8,
                     reduce=None, reduction: str = "mean") -> Tensor:
    """``e^x - y x`` (``log_input``) or ``x - y log(x + eps)``."""
    import math

    if log_input:
        loss = lucid.exp(input) - target * input
    else:
        loss = input - target * lucid.log(input + eps)
    if full:
        safe = lucid.where(target > 1, target, 2.0)
        stirling = safe * lucid.log(safe) - safe + lucid.log(safe * (2 * math.pi)) * 0.5
        loss = loss + lucid.where(target > 1, stirling, 0.0)
    return apply_reduction(loss, legacy_reduction(size_average, reduce, reduction),
                               "poisson_nll_loss")


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim``."""
    n1 = lucid.sqrt(lucid.sum(x1 * x1, axis=dim))
    n2 = lucid.sqrt(lucid.sum(x2 * x2, axis=dim))
    return lucid.sum(x1 * x2, axis=dim) / lucid.clip(n1 * n2, eps, None)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dim."""
    d = lucid.abs(x1 - x2 + eps)
    return lucid.sum(d ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)
