"""ASGD: averaged stochastic gradient descent."""

from __future__ import annotations

import lucid
from lucid.optim.optimizer import Optimizer

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky, 1992), PyTorch's variant.

    With ``g`` the gradient and ``t`` the step count; ``eta`` starts at ``lr`` and ``mu``
    at 1::

        g   = g + weight_decay * p
        p   = p * (1 - lambd * eta)
        p   = p - eta * g
        ax  = ax + mu * (p - ax)          (ax = p while mu == 1)
        eta = lr / (1 + lambd * lr * t)^alpha
        mu  = 1 / max(1, t - t0)

    ``ax`` is the averaged parameter (state ``"ax"``). ``eta`` and ``mu`` are 0-d tensors
    of the default float dtype, as in PyTorch.

    Args:
        params: tensors or parameter groups.
        lr (float): default ``1e-2``.
        lambd (float): decay term, default ``1e-4``.
        alpha (float): power of the eta update, default ``0.75``.
        t0 (float): step at which averaging starts, default ``1e6``.
        weight_decay (float): default ``0``.
        maximize (bool): maximize the objective.

    Example::

        opt = ASGD(model.parameters(), lr=0.01)
    """

    scalar_state = ("step", "eta", "mu")

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, *, maximize: bool = False):
        if lr < 0.0:
            raise ValueError(f"ASGD: invalid learning rate {lr}")
        if weight_decay < 0.0:
            raise ValueError(f"ASGD: invalid weight_decay value {weight_decay}")
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, maximize=maximize))

    def init_state(self, p, group):
        scalar = lucid.dtypes.default_float
        return {"step": self._step_tensor(p),
                "eta": lucid.full((), group["lr"], dtype=scalar, device=p.device),
                "mu": lucid.ones((), dtype=scalar, device=p.device),
                "ax": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        t = self._next_step(state)
        g = grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        eta = float(state["eta"].item())
        mu = float(state["mu"].item())
        p_new = p * (1 - lambd * eta)
        p_new = p_new - eta * g
        p.data = p_new.data
        if mu != 1:
            state["ax"] = state["ax"] + (p_new - state["ax"]) * mu
        else:
            state["ax"] = p_new.clone()
        scalar = state["eta"].dtype
        state["eta"] = lucid.full((), lr / ((1 + lambd * lr * t) ** alpha), dtype=scalar,
                                  device=p.device)
        state["mu"] = lucid.full((), 1 / max(1, t - t0), dtype=scalar, device=p.device)
