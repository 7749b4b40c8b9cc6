"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim._adam_family import check_betas, weight_decay_step
from lucid.optim.optimizer import Optimizer, store

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

    State: ``step`` (a Python float; a 0-d tensor in state dicts), ``exp_avg`` (m),
    ``exp_inf`` (u).

    Example::

        opt = Adamax(model.parameters())
    """

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))

    def validate_group(self, group, step=False):
        check_betas(type(self).__name__, group, step)

    def init_state(self, p, group):
        return {"step": 0.0, "exp_avg": lucid.zeros_like(p), "exp_inf": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        t = state["step"] = state["step"] + 1.0
        g = -grad if group["maximize"] else grad
        x, g = weight_decay_step(p.data, g, lr=lr, weight_decay=group["weight_decay"],
                                 decoupled=False)
        m = beta1 * state["exp_avg"].data + (1 - beta1) * g
        u = k.maximum(beta2 * state["exp_inf"].data, k.abs(g) + eps)
        clr = lr / (1 - beta1 ** t)
        self.set_param(p, x - clr * k.div(m, u))
        store(state, "exp_avg", m, p)
        store(state, "exp_inf", u, p)
