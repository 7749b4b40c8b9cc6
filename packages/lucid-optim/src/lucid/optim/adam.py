"""Adam and AdamW (Adam with decoupled weight decay)."""

from __future__ import annotations

import lucid
from lucid.optim._adam_family import apply_weight_decay, check_betas, update_moments
from lucid.optim.optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with optional AMSGrad and decoupled weight decay.

    With ``g`` the gradient (negated when ``maximize``) and ``t`` the step count::

        g = g + weight_decay * p                 (L2 penalty; or, decoupled:
        p = p * (1 - lr * weight_decay)           the AdamW decay of the weights)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                    (amsgrad: v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Args:
        params: tensors or parameter groups.
        lr (float): learning rate, default ``1e-3``.
        betas (tuple[float, float]): decay rates of ``m`` and ``v``, default ``(0.9, 0.999)``.
        eps (float): added to the denominator, default ``1e-8``.
        weight_decay (float): weight decay, default ``0``.
        amsgrad (bool): use the running maximum of ``v``, default ``False``.
        maximize (bool): maximize the objective.
        decoupled_weight_decay (bool): decay the weights directly (AdamW), default ``False``.

    State: ``step``, ``exp_avg`` (m), ``exp_avg_sq`` (v), ``max_exp_avg_sq`` (amsgrad).

    Example::

        opt = Adam(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False):
        check_betas(type(self).__name__, lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def init_state(self, p, group):
        state = {"step": self._step_tensor(p), "exp_avg": lucid.zeros_like(p),
                 "exp_avg_sq": lucid.zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = lucid.zeros_like(p)
        return state

    def update(self, p, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        t = self._next_step(state)
        g = apply_weight_decay(p, grad, group)
        m, v = update_moments(state, g, beta1, beta2)
        if group["amsgrad"]:
            v = lucid.maximum(state["max_exp_avg_sq"], v)
            state["max_exp_avg_sq"] = v
        step_size = lr / (1 - beta1 ** t)
        denom = lucid.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps
        p.data = (p - step_size * (m / denom)).data


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    Same update as :class:`Adam` except that the weights decay directly::

        p = p * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Defaults as PyTorch: ``lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2``.

    Example::

        opt = AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
