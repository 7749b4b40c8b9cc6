"""The pieces that Adam, AdamW, NAdam, RAdam and Adamax share: hyper-parameter checks,
the weight decay step and the first/second moment updates, on native arrays (``k`` is
the raw interpreter of the parameter's backend, see :func:`lucid.autograd.raw_ops`)::

    g = g + weight_decay * p                 (L2 penalty; or, decoupled:
    p = p * (1 - lr * weight_decay)           the AdamW decay of the weights)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2

and :func:`adam_update`, the whole Adam step with the signature of the optional fused
kernel ``adam_update_`` (the backends' ``kernels/optim.py``), which it is the composite of.
"""

from __future__ import annotations

from lucid.optim.optimizer import check_lr, check_non_negative, check_number

__all__ = ["check_betas", "weight_decay_step", "moments", "adam_update"]


def check_betas(name: str, group, step: bool = False) -> None:
    """``ValueError`` naming the optimizer for a NaN hyper-parameter, a negative ``eps``/
    ``weight_decay`` (or ``lr``, outside a step: :func:`check_lr`) or a beta outside
    ``[0, 1)``."""
    check_lr(name, group["lr"], step)
    check_non_negative(name, "epsilon value", group["eps"])
    betas = group["betas"]
    beta1 = check_number(name, "beta parameter", betas[0])
    beta2 = check_number(name, "beta parameter", betas[1])
    if not 0.0 <= beta1 < 1.0 or not 0.0 <= beta2 < 1.0:
        raise ValueError(f"{name}: invalid beta parameters {tuple(betas)}; each must be in "
                         "[0, 1)")
    check_non_negative(name, "weight_decay value", group["weight_decay"])


def weight_decay_step(x, g, *, lr: float, weight_decay: float, decoupled: bool):
    """``(x, g)`` after the weight decay: decoupled (the weights shrink, ``g`` unchanged),
    or the L2 penalty ``g + weight_decay * x``."""
    if weight_decay == 0:
        return x, g
    if decoupled:
        return x * (1 - lr * weight_decay), g
    return x, g + weight_decay * x


def moments(m, v, g, beta1: float, beta2: float):
    """``m = beta1 m + (1 - beta1) g`` and ``v = beta2 v + (1 - beta2) g^2`` (new arrays)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * (g * g)
    return m, v


def adam_update(k, x, grad, m, v, v_max, *, step: float, lr: float, beta1: float,
                beta2: float, eps: float, weight_decay: float, decoupled: bool, amsgrad: bool,
                maximize: bool):
    """One Adam/AdamW step on native arrays, returning ``(x, m, v, v_max)`` (new arrays;
    ``v_max`` stays ``None`` without ``amsgrad``)::

        g = -grad if maximize else grad
        x, g = weight decay (decoupled: x * (1 - lr * wd); else g + wd * x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                    (amsgrad: v_max replaces v below)
        x = x - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """
    g = -grad if maximize else grad
    x, g = weight_decay_step(x, g, lr=lr, weight_decay=weight_decay, decoupled=decoupled)
    m, v = moments(m, v, g, beta1, beta2)
    if amsgrad:
        v_max = k.maximum(v_max, v)
    step_size = lr / (1 - beta1 ** step)
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    denom = k.div(k.sqrt(v_max if amsgrad else v), bias_correction2_sqrt) + eps
    x = x - step_size * k.div(m, denom)
    return x, m, v, v_max
