"""ASGD: averaged stochastic gradient descent."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim.optimizer import (
    Optimizer,
    check_lr,
    check_non_negative,
    check_number,
    store,
    to_scalar_dtype,
)

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

    ``ax`` is the averaged parameter (state ``"ax"``). ``step``, ``eta`` and ``mu`` are
    Python floats (``eta`` and ``mu`` rounded to the default float dtype, as PyTorch's 0-d
    tensors are), 0-d tensors in state dicts.

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
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        check_non_negative(name, "weight_decay value", group["weight_decay"])
        for key in ("lambd", "alpha", "t0"):
            check_number(name, f"{key} value", group[key])

    def init_state(self, p, group):
        return {"step": 0.0, "eta": to_scalar_dtype(group["lr"]), "mu": 1.0,
                "ax": lucid.zeros_like(p)}

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        t = state["step"] = state["step"] + 1.0
        eta, mu = state["eta"], state["mu"]
        x = p.data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        x = x * (1 - lambd * eta)
        x = x - eta * g
        self.set_param(p, x)
        if mu != 1:
            ax = state["ax"].data
            store(state, "ax", ax + (x - ax) * mu, p)
        else:
            store(state, "ax", k.clone(x), p)
        # PyTorch keeps eta and mu in 0-d tensors of the default float dtype
        state["eta"] = to_scalar_dtype(lr / ((1 + lambd * lr * t) ** alpha))
        state["mu"] = to_scalar_dtype(1 / max(1, t - t0))
