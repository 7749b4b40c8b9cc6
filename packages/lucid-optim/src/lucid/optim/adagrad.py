"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim.optimizer import Optimizer, check_lr, check_non_negative, store

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011).

    With ``g`` the gradient and ``t`` the step count::

        g   = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s   = s + g^2                     (s starts at initial_accumulator_value)
        p   = p - clr * g / (sqrt(s) + eps)

    Args:
        params: tensors or parameter groups.
        lr (float): default ``1e-2``.
        lr_decay (float): default ``0``.
        weight_decay (float): default ``0``.
        initial_accumulator_value (float): start value of ``s``, default ``0``.
        eps (float): default ``1e-10``.
        maximize (bool): maximize the objective.

    State (created in the constructor, as in PyTorch): ``step`` (a Python float; a 0-d
    tensor in state dicts), ``sum`` (s).

    Example::

        opt = Adagrad(model.parameters(), lr=0.1)
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, *,
                 maximize: bool = False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self.init_state(p, group)

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        for what, key in (("lr_decay", "lr_decay"),
                          ("weight_decay", "weight_decay"), ("epsilon", "eps"),
                          ("initial_accumulator_value", "initial_accumulator_value")):
            check_non_negative(name, f"{what} value", group[key])

    def init_state(self, p, group):
        return {"step": 0.0, "sum": lucid.full_like(p, group["initial_accumulator_value"])}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, eps = group["lr"], group["eps"]
        t = state["step"] = state["step"] + 1.0
        x = p.data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        clr = lr / (1 + (t - 1) * group["lr_decay"])
        s = state["sum"].data + g * g
        self.set_param(p, x - clr * k.div(g, k.sqrt(s) + eps))
        store(state, "sum", s, p)
