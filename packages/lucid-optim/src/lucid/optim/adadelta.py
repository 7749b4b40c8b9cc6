"""Adadelta: step sizes from running averages of squared gradients and updates."""

from __future__ import annotations

import lucid
from lucid.optim.optimizer import Optimizer

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

    State: ``step``, ``square_avg`` (v), ``acc_delta`` (u).

    Example::

        opt = Adadelta(model.parameters())
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False):
        if lr < 0.0:
            raise ValueError(f"Adadelta: invalid learning rate {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Adadelta: invalid rho value {rho}; must be in [0, 1]")
        if eps < 0.0:
            raise ValueError(f"Adadelta: invalid epsilon value {eps}")
        if weight_decay < 0.0:
            raise ValueError(f"Adadelta: invalid weight_decay value {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def init_state(self, p, group):
        return {"step": self._step_tensor(p), "square_avg": lucid.zeros_like(p),
                "acc_delta": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        self._next_step(state)
        g = grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        v = rho * state["square_avg"] + (1 - rho) * (g * g)
        delta = lucid.sqrt(state["acc_delta"] + eps) / lucid.sqrt(v + eps) * g
        u = rho * state["acc_delta"] + (1 - rho) * (delta * delta)
        state["square_avg"], state["acc_delta"] = v, u
        p.data = (p - lr * delta).data
