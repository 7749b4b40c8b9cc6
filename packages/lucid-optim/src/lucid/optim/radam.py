"""RAdam: Adam with a rectified adaptive learning rate."""

from __future__ import annotations

import lucid
from lucid.optim._adam_family import apply_weight_decay, check_betas, update_moments
from lucid.optim.optimizer import Optimizer

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
            p = p - lr * m_hat * sqrt(1 - beta2^t) / (lucid.sqrt(v) + eps) * r
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

    State: ``step``, ``exp_avg``, ``exp_avg_sq``.

    Example::

        opt = RAdam(model.parameters())
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False):
        check_betas("RAdam", lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def init_state(self, p, group):
        return {"step": self._step_tensor(p), "exp_avg": lucid.zeros_like(p),
                "exp_avg_sq": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        t = self._next_step(state)
        g = apply_weight_decay(p, grad, group)
        m, v = update_moments(state, g, beta1, beta2)
        bias_correction2 = 1 - beta2 ** t
        m_hat = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            r = ((rho_t - 4) * (rho_t - 2) * rho_inf
                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2 ** 0.5 / (lucid.sqrt(v) + eps)
            p.data = (p - m_hat * lr * adaptive_lr * r).data
        else:
            p.data = (p - m_hat * lr).data
