"""Classification losses: ``nll_loss``, ``cross_entropy``, ``binary_cross_entropy``,
``binary_cross_entropy_with_logits``; PyTorch's arguments and reductions.

Class-index targets: ``input (N, C, *d)`` (or ``(C,)``), ``target (N, *d)`` of int64.
With ``reduction="mean"`` the sum is divided by the total weight of the non-ignored
targets, as in PyTorch.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.nn.functional.activation import _has_kernel, log_softmax
from lucid.nn.functional.loss import _legacy, apply_reduction
from lucid.tensor import Tensor

__all__ = ["nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits"]


def _class_view(t: Tensor, ndim: int) -> Tensor:
    """A per-class vector ``(C,)`` shaped to broadcast along dim 1 of an ``ndim`` input."""
    return t.reshape((1, -1) + (1,) * (ndim - 2)) if ndim >= 2 else t


def _nll_parts(input: Tensor, target: Tensor, weight, ignore_index: int, op: str):
    """Per-target loss ``-w[t] * input[n, t]`` and per-target weight (0 if ignored)."""
    if input.ndim == 1:
        input, target = input.reshape(1, -1), target.reshape(1)
    if input.ndim < 2 or target.shape != input.shape[:1] + input.shape[2:]:
        raise ShapeError(f"{op}: expected target of shape {input.shape[:1] + input.shape[2:]} "
                         f"for input of shape {input.shape}, got {target.shape}")
    if target.dtype.is_floating_point:
        raise TypeError(f"{op}: class-index target must be an integer tensor, got "
                        f"{target.dtype}")
    keep = target != ignore_index
    safe = lucid.where(keep, target, 0)
    picked = lucid.gather(input, 1, lucid.unsqueeze(safe, 1)).reshape(target.shape)
    w = keep.astype(input.dtype)
    if weight is not None:
        w = w * lucid.take(weight, safe)
    return -picked * w, w


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """``-w[y_n] * x[n, y_n]`` for log-probabilities ``x``; ``mean`` divides by
    ``sum_n w[y_n]`` over the non-ignored targets. Core's fused op when the backend has it,
    else the composition :func:`nll_loss_composed`."""
    reduction = _legacy(size_average, reduce, reduction)
    if _has_kernel(input, "nll_loss"):
        return lucid.nll_loss(input, target, weight, ignore_index=ignore_index,
                              reduction=reduction)
    return nll_loss_composed(input, target, weight, ignore_index, reduction)


def nll_loss_composed(input: Tensor, target: Tensor, weight: Tensor | None = None,
                      ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """:func:`nll_loss` written with ``gather``, ``where`` and sums."""
    loss, w = _nll_parts(input, target, weight, ignore_index, "nll_loss")
    if reduction == "mean":
        return lucid.sum(loss) / lucid.sum(w)
    if input.ndim == 1 and reduction == "none":
        return loss.reshape(())
    return apply_reduction(loss, reduction, "nll_loss")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """``nll_loss(log_softmax(x, 1), y)`` for class indices; for class probabilities
    ``y`` (same shape as ``x``): ``-sum_c w_c y_c log_softmax(x)_c``.

    ``label_smoothing = e`` mixes the target with the uniform distribution:
    ``(1 - e) * loss(y) + e/C * sum_c (-w_c log p_c)``.

    Core's fused op when the backend has it, else :func:`cross_entropy_composed`.

    Example::

        F.cross_entropy(lucid.randn(4, 10), lucid.tensor([1, 0, 9, 3]))
    """
    reduction = _legacy(size_average, reduce, reduction)
    if _has_kernel(input, "cross_entropy"):
        return lucid.cross_entropy(input, target, weight, ignore_index=ignore_index,
                                   reduction=reduction, label_smoothing=label_smoothing)
    return cross_entropy_composed(input, target, weight, ignore_index, reduction,
                                  label_smoothing)


def cross_entropy_composed(input: Tensor, target: Tensor, weight: Tensor | None = None,
                           ignore_index: int = -100, reduction: str = "mean",
                           label_smoothing: float = 0.0) -> Tensor:
    """:func:`cross_entropy` written with ``log_softmax`` and :func:`nll_loss_composed`."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if target.dtype.is_floating_point:
        if target.shape != input.shape:
            raise ShapeError(f"cross_entropy: probability target shape {target.shape} must "
                             f"equal input shape {input.shape}")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        terms = logp * target
        if weight is not None:
            terms = terms * _class_view(weight, input.ndim)
        loss = -lucid.sum(terms, axis=class_dim)
        if reduction == "mean":
            return lucid.sum(loss) / max(input.numel() // n_classes, 1)
        return apply_reduction(loss, reduction, "cross_entropy")
    nll = nll_loss_composed(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    keep = (target != ignore_index).astype(input.dtype)
    terms = logp if weight is None else logp * _class_view(weight, input.ndim)
    smooth = -lucid.sum(terms, axis=class_dim) * keep
    if reduction == "mean":
        if weight is None:
            smooth = lucid.sum(smooth) / lucid.sum(keep)
        else:
            safe = lucid.where(target != ignore_index, target, 0)
            smooth = lucid.sum(smooth) / lucid.sum(lucid.take(weight, safe) * keep)
    else:
        smooth = apply_reduction(smooth, reduction, "cross_entropy")
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


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
    return apply_reduction(loss, _legacy(size_average, reduce, reduction),
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
    return apply_reduction(loss, _legacy(size_average, reduce, reduction),
                           "binary_cross_entropy_with_logits")
