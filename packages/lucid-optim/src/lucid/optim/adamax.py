"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

import lucid
from lucid.optim._adam_family import apply_weight_decay, check_betas
from lucid.optim.optimizer import Optimizer

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7).

    With ``g`` the gradient and ``t`` the step count::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Args:
        params: tensors or parameter groups.
        lr (float): default ``2e-3``.
        betas (tuple[float, float]): default ``(0.9, 0.999)``.
        eps (float): default ``1e-8``.
        weight_decay (float): default ``0``.
        maximize (bool): maximize the objective.

    State: ``step``, ``exp_avg`` (m), ``exp_inf`` (u).

    Example::

        opt = Adamax(model.parameters())
    """

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False):
        check_betas("Adamax", lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))

    def init_state(self, p, group):
        return {"step": self._step_tensor(p), "exp_avg": lucid.zeros_like(p),
                "exp_inf": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        t = self._next_step(state)
        g = apply_weight_decay(p, grad, group)
        m = beta1 * state["exp_avg"] + (1 - beta1) * g
        u = lucid.maximum(beta2 * state["exp_inf"], lucid.abs(g) + eps)
        state["exp_avg"], state["exp_inf"] = m, u
        clr = lr / (1 - beta1 ** t)
        p.data = (p - clr * (m / u)).data
