"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from lucid.optim.optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (PyTorch's formulation of momentum).

    With ``g`` the gradient (negated when ``maximize``) and ``b`` the momentum buffer::

        g = g + weight_decay * p
        b = g                                   (first step)
        b = momentum * b + (1 - dampening) * g  (later steps)
        g = g + momentum * b   if nesterov else   g = b      (when momentum != 0)
        p = p - lr * g

    Args:
        params: tensors or parameter groups.
        lr (float): learning rate, default ``1e-3``.
        momentum (float): momentum factor, default ``0``.
        dampening (float): dampening of the momentum, default ``0``.
        weight_decay (float): L2 penalty, default ``0``.
        nesterov (bool): Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize (bool): maximize the objective instead of minimizing it.

    State: ``momentum_buffer`` (only when momentum != 0).

    Example::

        opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
        opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False):
        if lr < 0.0:
            raise ValueError(f"SGD: invalid learning rate {lr}")
        if momentum < 0.0:
            raise ValueError(f"SGD: invalid momentum value {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"SGD: invalid weight_decay value {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening "
                             f"(momentum={momentum}, dampening={dampening})")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def update(self, p, grad, state, group):
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay = group["weight_decay"]
        g = grad
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            b = state.get("momentum_buffer")
            if b is None:
                b = g.clone()
            else:  # (1 - dampening) * g is g itself when dampening == 0: skip the op
                b = momentum * b + (g if dampening == 0 else (1 - dampening) * g)
            state["momentum_buffer"] = b
            g = g + momentum * b if group["nesterov"] else b
        p.data = (p - lr * g).data
