"""RMSprop: gradients scaled by a running root mean square."""

from __future__ import annotations

import lucid
from lucid.optim.optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), with PyTorch's centered and momentum variants.

    With ``g`` the gradient::

        g   = g + weight_decay * p
        v   = alpha * v + (1 - alpha) * g^2
        avg = sqrt(v - g_avg^2) + eps,  g_avg = alpha * g_avg + (1 - alpha) * g   (centered)
        avg = lucid.sqrt(v) + eps                                                       (otherwise)
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

    State: ``step``, ``square_avg`` (v), ``momentum_buffer`` (b, when momentum > 0),
    ``grad_avg`` (g_avg, when centered).

    Example::

        opt = RMSprop(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False):
        for name, value in (("learning rate", lr), ("epsilon", eps), ("momentum", momentum),
                            ("weight_decay", weight_decay), ("alpha", alpha)):
            if value < 0.0:
                raise ValueError(f"RMSprop: invalid {name} value {value}")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      maximize=maximize))

    def init_state(self, p, group):
        state = {"step": self._step_tensor(p), "square_avg": lucid.zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = lucid.zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = lucid.zeros_like(p)
        return state

    def update(self, p, grad, state, group):
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        self._next_step(state)
        g = grad
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * p
        v = alpha * state["square_avg"] + (1 - alpha) * (g * g)
        state["square_avg"] = v
        if group["centered"]:
            g_avg = alpha * state["grad_avg"] + (1 - alpha) * g
            state["grad_avg"] = g_avg
            avg = lucid.sqrt(v - g_avg * g_avg) + eps
        else:
            avg = lucid.sqrt(v) + eps
        if momentum > 0:
            b = momentum * state["momentum_buffer"] + g / avg
            state["momentum_buffer"] = b
            p.data = (p - lr * b).data
        else:
            p.data = (p - lr * (g / avg)).data
