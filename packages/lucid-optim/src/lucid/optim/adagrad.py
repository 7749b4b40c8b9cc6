"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

import lucid
from lucid.optim.optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011).

    With ``g`` the gradient and ``t`` the step count::

        g   = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s   = s + g^2                     (s starts at initial_accumulator_value)
        p   = p - clr * g / (lucid.sqrt(s) + eps)

    Args:
        params: tensors or parameter groups.
        lr (float): default ``1e-2``.
        lr_decay (float): default ``0``.
        weight_decay (float): default ``0``.
        initial_accumulator_value (float): start value of ``s``, default ``0``.
        eps (float): default ``1e-10``.
        maximize (bool): maximize the objective.

    State (created in the constructor, as in PyTorch): ``step``, ``sum`` (s).

    Example::

        opt = Adagrad(model.parameters(), lr=0.1)
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, *,
                 maximize: bool = False):
        for name, value in (("learning rate", lr), ("lr_decay", lr_decay),
                            ("weight_decay", weight_decay), ("epsilon", eps),
                            ("initial_accumulator_value", initial_accumulator_value)):
            if value < 0.0:
                raise ValueError(f"Adagrad: invalid {name} value {value}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self.init_state(p, group)

    def init_state(self, p, group):
        return {"step": self._step_tensor(p),
                "sum": lucid.full_like(p, group["initial_accumulator_value"])}

    def update(self, p, grad, state, group):
        lr, eps = group["lr"], group["eps"]
        t = self._next_step(state)
        g = grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        clr = lr / (1 + (t - 1) * group["lr_decay"])
        s = state["sum"] + g * g
        state["sum"] = s
        p.data = (p - clr * (g / (lucid.sqrt(s) + eps))).data
