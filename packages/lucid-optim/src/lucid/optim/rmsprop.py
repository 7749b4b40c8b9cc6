"""RMSprop: gradients scaled by a running root mean square."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim.optimizer import Optimizer, check_lr, check_non_negative, store

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), with PyTorch's centered and momentum variants.

    With ``g`` the gradient::

        g   = g + weight_decay * p
        v   = alpha * v + (1 - alpha) * g^2
        avg = sqrt(v - g_avg^2) + eps,  g_avg = alpha * g_avg + (1 - alpha) * g   (centered)
        avg = sqrt(v) + eps                                                       (otherwise)
        b   = momentum * b + g / avg;   p = p - lr * b                            (momentum > 0)
        p   = p - lr * g / avg                                                    (otherwise)

    Args:
        params: tensors or parameter groups.
        lr (float): default ``1e-2``.
        alpha (float): smoothing constant, default ``0.99``.
        eps (float): default ``1e-8``.
        weight_decay (float): default ``0``.
        momentum (float): default ``0``.
        centered (bool): normalise by the variance estimate, default ``False``.
        maximize (bool): maximize the objective.

    State: ``step`` (a Python float; a 0-d tensor in state dicts), ``square_avg`` (v),
    ``momentum_buffer`` (b, when momentum > 0), ``grad_avg`` (g_avg, when centered).

    Example::

        opt = RMSprop(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        for what, key in (("epsilon", "eps"), ("momentum", "momentum"),
                          ("weight_decay", "weight_decay"), ("alpha", "alpha")):
            check_non_negative(name, f"{what} value", group[key])

    def init_state(self, p, group):
        state = {"step": 0.0, "square_avg": lucid.zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = lucid.zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = lucid.zeros_like(p)
        return state

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        state["step"] += 1.0
        x = p.data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        v = alpha * state["square_avg"].data + (1 - alpha) * (g * g)
        store(state, "square_avg", v, p)
        if group["centered"]:
            g_avg = alpha * _buffer(state, "grad_avg", p) + (1 - alpha) * g
            store(state, "grad_avg", g_avg, p)
            avg = k.sqrt(v - g_avg * g_avg) + eps
        else:
            avg = k.sqrt(v) + eps
        if momentum > 0:
            b = momentum * _buffer(state, "momentum_buffer", p) + k.div(g, avg)
            store(state, "momentum_buffer", b, p)
            self.set_param(p, x - lr * b)
        else:
            self.set_param(p, x - lr * k.div(g, avg))


def _buffer(state, key, p):
    """The array of ``state[key]``, zeros when the option was switched on after the first
    step (PyTorch creates the buffer at the first step only)."""
    t = state.get(key)
    if t is None:
        t = state[key] = lucid.zeros_like(p)
    return t.data
