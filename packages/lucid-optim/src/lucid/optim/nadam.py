"""NAdam: Adam with Nesterov momentum and a momentum schedule."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim._adam_family import check_betas, moments, weight_decay_step
from lucid.optim.optimizer import Optimizer, check_non_negative, store, to_scalar_dtype

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
        denom = sqrt(v / (1 - beta2^t)) + eps
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

    State: ``step`` and ``mu_product`` (Python floats, the product rounded to the default
    float dtype at each step as PyTorch's 0-d tensor is; 0-d tensors in state dicts),
    ``exp_avg``, ``exp_avg_sq``.

    Example::

        opt = NAdam(model.parameters())
    """

    scalar_state = ("step", "mu_product")

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_betas(name, group, step)
        check_non_negative(name, "momentum_decay value", group["momentum_decay"])

    def init_state(self, p, group):
        return {"step": 0.0, "mu_product": 1.0, "exp_avg": lucid.zeros_like(p),
                "exp_avg_sq": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        psi = group["momentum_decay"]
        t = state["step"] = state["step"] + 1.0
        g = -grad if group["maximize"] else grad
        x, g = weight_decay_step(p.data, g, lr=lr, weight_decay=group["weight_decay"],
                                 decoupled=group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        # PyTorch keeps the product in a 0-d tensor of the default float dtype
        mu_product = state["mu_product"] = to_scalar_dtype(
            state["mu_product"] * to_scalar_dtype(mu))
        m, v = moments(state["exp_avg"].data, state["exp_avg_sq"].data, g, beta1, beta2)
        denom = k.sqrt(k.div(v, 1 - beta2 ** t)) + eps
        x = x + (-lr * (1.0 - mu) / (1.0 - mu_product)) * k.div(g, denom)
        x = x + (-lr * mu_next / (1.0 - mu_product * mu_next)) * k.div(m, denom)
        self.set_param(p, x)
        store(state, "exp_avg", m, p)
        store(state, "exp_avg_sq", v, p)
