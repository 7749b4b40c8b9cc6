"""NAdam: Adam with Nesterov momentum and a momentum schedule."""

from __future__ import annotations

import lucid
from lucid.optim._adam_family import apply_weight_decay, check_betas, update_moments
from lucid.optim.optimizer import Optimizer

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), PyTorch's formulation.

    With ``g`` the gradient, ``t`` the step count and ``psi = momentum_decay``::

        g = g + weight_decay * p                 (or, decoupled: p = p * (1 - lr * wd))
        mu_t      = beta1 * (1 - 0.5 * 0.96^(t * psi))
        mu_{t+1}  = beta1 * (1 - 0.5 * 0.96^((t + 1) * psi))
        prod_t    = prod_{i<=t} mu_i             (state "mu_product")
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        denom = lucid.sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - prod_t) * g / denom
              - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / denom

    Args:
        params: tensors or parameter groups.
        lr (float): default ``2e-3``.
        betas (tuple[float, float]): default ``(0.9, 0.999)``.
        eps (float): default ``1e-8``.
        weight_decay (float): default ``0``.
        momentum_decay (float): ``psi``, default ``4e-3``.
        decoupled_weight_decay (bool): NAdamW-style decay, default ``False``.
        maximize (bool): maximize the objective.

    State: ``step``, ``mu_product`` (a 0-d tensor of the default float dtype, as in
    PyTorch), ``exp_avg``, ``exp_avg_sq``.

    Example::

        opt = NAdam(model.parameters())
    """

    scalar_state = ("step", "mu_product")

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False):
        check_betas("NAdam", lr, betas, eps, weight_decay)
        if momentum_decay < 0.0:
            raise ValueError(f"NAdam: invalid momentum_decay value {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def init_state(self, p, group):
        return {"step": self._step_tensor(p),
                "mu_product": lucid.ones((), dtype=lucid.dtypes.default_float,
                                         device=p.device),
                "exp_avg": lucid.zeros_like(p), "exp_avg_sq": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        psi = group["momentum_decay"]
        t = self._next_step(state)
        g = apply_weight_decay(p, grad, group)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] = state["mu_product"] * mu
        mu_product = float(state["mu_product"].item())
        m, v = update_moments(state, g, beta1, beta2)
        denom = lucid.sqrt(v / (1 - beta2 ** t)) + eps
        p_new = p + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p_new = p_new + (-lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)
        p.data = p_new.data
