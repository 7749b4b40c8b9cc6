"""RAdam: Adam with a rectified adaptive learning rate."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim._adam_family import check_betas, moments, weight_decay_step
from lucid.optim.optimizer import Optimizer, store

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (Liu et al., 2020).

    With ``g`` the gradient and ``t`` the step count::

        g = g + weight_decay * p                 (or, decoupled: p = p * (1 - lr * wd))
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        m_hat   = m / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p = p - lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
        else:
            p = p - lr * m_hat

    Args:
        params: tensors or parameter groups.
        lr (float): default ``1e-3``.
        betas (tuple[float, float]): default ``(0.9, 0.999)``.
        eps (float): default ``1e-8``.
        weight_decay (float): default ``0``.
        decoupled_weight_decay (bool): default ``False``.
        maximize (bool): maximize the objective.

    State: ``step`` (a Python float; a 0-d tensor in state dicts), ``exp_avg``,
    ``exp_avg_sq``.

    Example::

        opt = RAdam(model.parameters())
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def validate_group(self, group, step=False):
        check_betas(type(self).__name__, group, step)

    def init_state(self, p, group):
        return {"step": 0.0, "exp_avg": lucid.zeros_like(p), "exp_avg_sq": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        t = state["step"] = state["step"] + 1.0
        g = -grad if group["maximize"] else grad
        x, g = weight_decay_step(p.data, g, lr=lr, weight_decay=group["weight_decay"],
                                 decoupled=group["decoupled_weight_decay"])
        m, v = moments(state["exp_avg"].data, state["exp_avg_sq"].data, g, beta1, beta2)
        bias_correction2 = 1 - beta2 ** t
        m_hat = k.div(m, 1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            r = ((rho_t - 4) * (rho_t - 2) * rho_inf
                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = k.div(bias_correction2 ** 0.5, k.sqrt(v) + eps)
            x = x - m_hat * lr * adaptive_lr * r
        else:
            x = x - m_hat * lr
        self.set_param(p, x)
        store(state, "exp_avg", m, p)
        store(state, "exp_avg_sq", v, p)
