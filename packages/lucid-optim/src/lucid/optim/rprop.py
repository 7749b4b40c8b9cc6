"""Rprop: per-coordinate step sizes adapted from the sign of successive gradients."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim.optimizer import Optimizer, check_lr, check_number, store

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun, 1993), PyTorch's variant.

    With ``g`` the gradient, ``g_prev`` the previous (masked) gradient and ``s`` the
    per-coordinate step size (starting at ``lr``)::

        eta = eta_plus   where g * g_prev > 0
              eta_minus  where g * g_prev < 0
              1          elsewhere
        s = clamp(s * eta, step_min, step_max)
        g = 0            where eta == eta_minus      (skip the step after a sign change)
        p = p - sign(g) * s
        g_prev = g

    Args:
        params: tensors or parameter groups.
        lr (float): initial step size, default ``1e-2``.
        etas (tuple[float, float]): ``(eta_minus, eta_plus)``, default ``(0.5, 1.2)``.
        step_sizes (tuple[float, float]): ``(step_min, step_max)``, default ``(1e-6, 50)``.
        maximize (bool): maximize the objective.

    State: ``step`` (a Python float; a 0-d tensor in state dicts), ``prev`` (g_prev),
    ``step_size`` (s).

    Example::

        opt = Rprop(model.parameters())
    """

    def __init__(self, params, lr: float = 1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize: bool = False):
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                      maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        etas = group["etas"]
        eta_minus = check_number(name, "eta value", etas[0])
        eta_plus = check_number(name, "eta value", etas[1])
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise ValueError(f"{name}: invalid eta values {tuple(etas)}; need "
                             "0 < eta_minus < 1 < eta_plus")
        for value in group["step_sizes"]:
            check_number(name, "step size", value)

    def init_state(self, p, group):
        return {"step": 0.0, "prev": lucid.zeros_like(p),
                "step_size": lucid.full_like(p, group["lr"])}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        eta_minus, eta_plus = group["etas"]
        step_min, step_max = group["step_sizes"]
        state["step"] += 1.0
        g = -grad if group["maximize"] else grad
        s = state["step_size"].data
        direction = k.sign(g * state["prev"].data)
        grew, shrank = k.gt(direction, 0.0), k.lt(direction, 0.0)
        # s = clamp(s * eta, step_min, step_max), eta in {eta_plus, eta_minus, 1}
        s = k.where(grew, s * eta_plus, k.where(shrank, s * eta_minus, s))
        s = k.clip(s, low=step_min, high=step_max)
        g = k.where(shrank, 0.0, g)  # no step after a sign change
        self.set_param(p, p.data - k.sign(g) * s)
        store(state, "step_size", s, p)
        store(state, "prev", g, p)
