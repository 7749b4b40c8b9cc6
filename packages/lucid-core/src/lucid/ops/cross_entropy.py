"""Classification losses: a fused ``cross_entropy`` and ``nll_loss`` (PyTorch semantics).

For logits ``x (N, C, *d)`` and class-index targets ``t (N, *d)``, with class weights
``w`` (ones by default), smoothing ``eps`` and ``p = log_softmax(x, 1)``, each element's
loss is ``l_i = -sum_c q_ic p_ic`` with the target distribution

    q_ic = (1 - eps) * w_{t_i} * [c == t_i] + (eps / C) * w_c,   q_i = 0 if t_i == ignore_index

so ``dl_i/dx_ic = (sum_c q_ic) * softmax(x)_ic - q_ic``. Reductions: ``"none"``, ``"sum"``,
``"mean"`` = ``sum_i l_i / sum_i w_{t_i}`` over non-ignored elements (PyTorch's weighted
mean, also for the smoothing term). Class-probability targets (same shape as ``x``)
give ``l_i = -sum_c w_c * q_ic * p_ic`` with ``q = (1 - eps) * t + eps / C``, and
``"mean"`` divides by the number of elements ``N * prod(d)``.

``nll_loss`` takes log-probabilities: ``l_i = -w_{t_i} * p_{i, t_i}``.
"""

from __future__ import annotations

from lucid.dtypes import Int64
from lucid.errors import DTypeError, ShapeError
from lucid.ops.loss_reduction import legacy_reduction
from lucid.ops.registry import Op, apply, register
from lucid.ops.softmax import log_softmax
from lucid.spellings import original_keywords
from lucid.tensor import Tensor

__all__ = ["cross_entropy", "nll_loss"]


def _check_targets(op, x, target, weight):
    if target.dtype != Int64:
        raise DTypeError(f"{op}: class-index targets must be int64, got {target.dtype}")
    if x.ndim < 2 or target.shape != (x.shape[0],) + x.shape[2:]:
        raise ShapeError(f"{op}: input {x.shape} and target {target.shape} do not match; "
                         "expected input (N, C, *d) and target (N, *d)")
    if weight.shape != (x.shape[1],):
        raise ShapeError(f"{op}: weight {weight.shape} should have one entry per class "
                         f"({x.shape[1]})")


@register
class TargetDistribution(Op):
    """``q = class_target_weights(t, w)``: the ``(N, C, *d)`` target distribution of the
    module docstring (not differentiable)."""

    name = "class_target_weights"
    differentiable = False

    def check(self, target, weight, *, ignore_index, label_smoothing):
        if target.dtype != Int64:
            raise DTypeError(f"class_target_weights: targets must be int64, got "
                             f"{target.dtype}")


@register
class CrossEntropy(Op):
    """``(l, w_t) = cross_entropy(x, t, w)``: per-element losses and target weights
    ``w_{t_i}`` (0 where ignored); ``dx = dl * (sum_c q * softmax(x) - q)``, where
    ``sum_c q = w_t`` (the second output) without label smoothing."""

    name = "cross_entropy"
    n_outputs = 2
    save_inputs = (0, 1, 2)
    save_output = True

    def check(self, x, target, weight, *, ignore_index, label_smoothing):
        _check_targets("cross_entropy", x, target, weight)

    def vjp(self, k, node, g, _):
        x, target, weight = k.inputs(node)
        q = k.class_target_weights(target, weight, **node.params)
        if node.params["label_smoothing"]:
            q_sum = k.sum(q, axis=(1,), keepdims=True)
        else:
            q_sum = k.reshape(k.output(node, 1), shape=_class_axis(g.shape))
        g = k.reshape(g, shape=_class_axis(g.shape))
        return g * (q_sum * k.softmax(x, axis=1) - q), None, None

    def composite(self, x, target, weight, *, ignore_index, label_smoothing):
        """``l = -sum_c q * log_softmax(x)``, ``w_t = sum_c q`` without smoothing."""
        q = apply("class_target_weights", target, weight, ignore_index=ignore_index,
                  label_smoothing=label_smoothing)
        loss = -(q * log_softmax(x, 1)).sum(axis=1)
        if label_smoothing:
            q = apply("class_target_weights", target, weight, ignore_index=ignore_index,
                      label_smoothing=0.0)
        return loss, q.sum(axis=1)


@register
class NllLoss(Op):
    """``(l, w_t) = nll_loss(p, t, w)`` with ``l_i = -w_{t_i} p_{i, t_i}``;
    ``dp = -dl * q`` (``q`` one-hot times ``w_{t_i}``)."""

    name = "nll_loss"
    n_outputs = 2
    save_inputs = (1, 2)

    def check(self, x, target, weight, *, ignore_index):
        _check_targets("nll_loss", x, target, weight)

    def vjp(self, k, node, g, _):
        _, target, weight = k.inputs(node)
        q = k.class_target_weights(target, weight, label_smoothing=0.0, **node.params)
        return -k.reshape(g, shape=_class_axis(g.shape)) * q, None, None


def _class_axis(shape) -> tuple[int, ...]:
    """``(N, *d)`` -> ``(N, 1, *d)``: a per-element value broadcast over the classes."""
    shape = tuple(shape)
    return shape[:1] + (1,) + shape[1:]


def _reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's legacy ``size_average``/``reduce`` flags -> a checked reduction string."""
    if size_average is None and reduce is None and reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return legacy_reduction(size_average, reduce, reduction)


def _prepare(op, x: Tensor, target: Tensor, weight):
    """Unbatched ``(C,)`` input -> batch of one; weight defaults to ones, input dtype."""
    from lucid.ops.creation import ones

    if x.ndim == 1:
        x = x.reshape(1, x.shape[0])
        target = target.reshape(1)
    if not x.dtype.is_floating_point:
        raise DTypeError(f"{op}: input must be floating point, got {x.dtype}")
    if weight is None:
        weight = ones(x.shape[1], dtype=x.dtype, device=x.device)
    elif weight.dtype != x.dtype:
        weight = weight.astype(x.dtype)
    return x, target, weight


def _reduce(loss: Tensor, weights: Tensor, reduction: str, unbatched: bool) -> Tensor:
    if reduction == "none":
        return loss.reshape(()) if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / weights.sum()


def cross_entropy(input, target, weight=None, size_average=None,  # noqa: A002
                  ignore_index=-100, reduce=None, reduction="mean", label_smoothing=0.0,
                  **aliases):
    """Cross-entropy of logits ``input (N, C, *d)`` (or ``(C,)``) against class indices
    ``(N, *d)`` or class probabilities (same shape as ``input``): ``log_softmax`` and the
    negative log-likelihood fused into one stable op. See the module docstring.

    >>> lucid.cross_entropy(lucid.zeros(2, 4), lucid.tensor([0, 3])).item()  # log(4)
    1.3862943649291992

    The original Lucid's ``eps=`` (``cross_entropy(x, t, eps=1e-7)``) computes its formula,
    ``log p_c = z_c - log(sum_j exp(z_j) + eps)`` with ``z = x - max(x)``; its
    ``reduction=None`` means ``"none"`` and ``ignore_index=None`` ignores no class.
    """
    if reduction is None:
        reduction = "none"
    if ignore_index is None:  # the original's "no ignored class"
        ignore_index = -100
    reduction = _reduction(size_average, reduce, reduction)
    if aliases:
        eps = original_keywords("cross_entropy", aliases, {"eps": "eps"})["eps"]
        return _cross_entropy_eps(input, target, weight, ignore_index, reduction,
                                  label_smoothing, float(eps))
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    unbatched = input.ndim == 1
    if target.dtype.is_floating_point:
        if target.shape != input.shape:
            raise ShapeError(f"cross_entropy: probability targets {target.shape} must have "
                             f"the input's shape {input.shape}")
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    x, target, weight = _prepare("cross_entropy", input, target, weight)
    loss, weights = apply("cross_entropy", x, target, weight, ignore_index=int(ignore_index),
                          label_smoothing=float(label_smoothing))
    return _reduce(loss, weights, reduction, unbatched)


def _cross_entropy_eps(x, target, weight, ignore_index, reduction, label_smoothing, eps):
    """The original Lucid's cross-entropy: ``eps`` inside the log of the softmax's sum."""
    from lucid.ops.elementwise import exp, log
    from lucid.ops.reduction_minmax import amax

    if label_smoothing:
        raise ValueError(f"cross_entropy: the original's eps={eps} does not combine with "
                         f"label_smoothing={label_smoothing}")
    axis = 0 if x.ndim == 1 else 1
    z = x - amax(x, axis=axis, keepdims=True)
    log_probs = z - log(exp(z).sum(axis=axis, keepdims=True) + eps)
    if not target.dtype.is_floating_point:
        return nll_loss(log_probs, target, weight, ignore_index=ignore_index,
                        reduction=reduction)
    if target.shape != x.shape:
        raise ShapeError(f"cross_entropy: probability targets {target.shape} must have "
                         f"the input's shape {x.shape}")
    q = target
    if weight is not None:
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        q = q * weight.astype(x.dtype).reshape(tuple(shape))
    loss = -(log_probs * q).sum(axis=axis)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / (x.size // x.shape[axis])


def _cross_entropy_probs(x, target, weight, reduction, eps):
    classes = x.shape[0] if x.ndim == 1 else x.shape[1]
    axis = 0 if x.ndim == 1 else 1
    if eps:
        target = target * (1 - eps) + eps / classes
    q = target
    if weight is not None:
        shape = [1] * x.ndim
        shape[axis] = classes
        q = q * weight.astype(x.dtype).reshape(tuple(shape))
    loss = -(log_softmax(x, axis) * q).sum(axis=axis)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (x.size // classes)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,  # noqa: A002
             reduce=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input (N, C, *d)`` at class indices
    ``target (N, *d)``: ``-w_t * input[t]``, weighted mean over non-ignored elements by
    default."""
    reduction = _reduction(size_average, reduce, reduction)
    unbatched = input.ndim == 1
    x, target, weight = _prepare("nll_loss", input, target, weight)
    loss, weights = apply("nll_loss", x, target, weight, ignore_index=int(ignore_index))
    return _reduce(loss, weights, reduction, unbatched)
