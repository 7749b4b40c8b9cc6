"""Rprop: per-coordinate step sizes adapted from the sign of successive gradients."""

from __future__ import annotations

import lucid
from lucid.optim.optimizer import Optimizer

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

    State: ``step``, ``prev`` (g_prev), ``step_size`` (s).

    Example::

        opt = Rprop(model.parameters())
    """

    def __init__(self, params, lr: float = 1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize: bool = False):
        if lr < 0.0:
            raise ValueError(f"Rprop: invalid learning rate {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Rprop: invalid eta values {tuple(etas)}; need "
                             "0 < eta_minus < 1 < eta_plus")
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                                      maximize=maximize))

    def init_state(self, p, group):
        return {"step": self._step_tensor(p), "prev": lucid.zeros_like(p),
                "step_size": lucid.full_like(p, group["lr"])}

    def update(self, p, grad, state, group):
        eta_minus, eta_plus = group["etas"]
        step_min, step_max = group["step_sizes"]
        self._next_step(state)
        g = grad
        direction = lucid.sign(g * state["prev"])
        one = lucid.ones_like(direction)
        eta = lucid.where(direction > 0, one * eta_plus,
                          lucid.where(direction < 0, one * eta_minus, one))
        s = lucid.clamp(state["step_size"] * eta, step_min, step_max)
        g = lucid.where(eta == eta_minus, lucid.zeros_like(g), g)
        state["step_size"], state["prev"] = s, g
        p.data = (p - lucid.sign(g) * s).data
