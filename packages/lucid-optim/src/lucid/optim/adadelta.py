"""Adadelta: step sizes from running averages of squared gradients and updates."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim.optimizer import Optimizer, check_lr, check_non_negative, check_range, store

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012).

    With ``g`` the gradient::

        g     = g + weight_decay * p
        v     = rho * v + (1 - rho) * g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u     = rho * u + (1 - rho) * delta^2
        p     = p - lr * delta

    Args:
        params: tensors or parameter groups.
        lr (float): scale of ``delta``, default ``1.0``.
        rho (float): decay of the running averages, default ``0.9``.
        eps (float): default ``1e-6``.
        weight_decay (float): default ``0``.
        maximize (bool): maximize the objective.

    State: ``step`` (a Python float; a 0-d tensor in state dicts), ``square_avg`` (v),
    ``acc_delta`` (u).

    Example::

        opt = Adadelta(model.parameters())
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        check_range(name, "rho value", group["rho"], 0.0, 1.0, include_high=True)
        check_non_negative(name, "epsilon value", group["eps"])
        check_non_negative(name, "weight_decay value", group["weight_decay"])

    def init_state(self, p, group):
        return {"step": 0.0, "square_avg": lucid.zeros_like(p),
                "acc_delta": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        state["step"] += 1.0
        x = p.data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        u = state["acc_delta"].data
        v = rho * state["square_avg"].data + (1 - rho) * (g * g)
        delta = k.div(k.sqrt(u + eps), k.sqrt(v + eps)) * g
        u = rho * u + (1 - rho) * (delta * delta)
        self.set_param(p, x - lr * delta)
        store(state, "square_avg", v, p)
        store(state, "acc_delta", u, p)
