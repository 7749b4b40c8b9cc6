"""The pieces that Adam, AdamW, NAdam, RAdam and Adamax share: argument checks, the weight
decay step and the first/second moment updates::

    g = g + weight_decay * p                 (L2 penalty; or, decoupled:
    p = p * (1 - lr * weight_decay)           the AdamW decay of the weights)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2
"""

from __future__ import annotations

from lucid import Tensor


def check_betas(name: str, lr, betas, eps, weight_decay) -> None:
    """``ValueError`` naming the optimizer for a negative ``lr``/``eps``/``weight_decay``
    or a beta outside ``[0, 1)``."""
    if lr < 0.0:
        raise ValueError(f"{name}: invalid learning rate {lr}")
    if eps < 0.0:
        raise ValueError(f"{name}: invalid epsilon value {eps}")
    if not 0.0 <= betas[0] < 1.0 or not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"{name}: invalid beta parameters {tuple(betas)}; each must be in "
                         "[0, 1)")
    if weight_decay < 0.0:
        raise ValueError(f"{name}: invalid weight_decay value {weight_decay}")


def apply_weight_decay(p: Tensor, g: Tensor, group) -> Tensor:
    """Apply ``group["weight_decay"]`` and return the gradient to use: decoupled (the
    weights shrink in place, ``g`` unchanged) when ``group["decoupled_weight_decay"]``,
    else the L2 penalty ``g + weight_decay * p``."""
    decay = group["weight_decay"]
    if decay == 0:
        return g
    if group.get("decoupled_weight_decay", False):
        p.data = (p * (1 - group["lr"] * decay)).data
        return g
    return g + decay * p


def update_moments(state, g: Tensor, beta1: float, beta2: float) -> tuple[Tensor, Tensor]:
    """``m = beta1 m + (1 - beta1) g`` and ``v = beta2 v + (1 - beta2) g^2``, stored in
    ``state["exp_avg"]`` / ``state["exp_avg_sq"]`` and returned."""
    m = beta1 * state["exp_avg"] + (1 - beta1) * g
    v = beta2 * state["exp_avg_sq"] + (1 - beta2) * (g * g)
    state["exp_avg"], state["exp_avg_sq"] = m, v
    return m, v
