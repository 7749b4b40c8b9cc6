"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from lucid.autograd import raw_ops
from lucid.optim.optimizer import (
    Optimizer,
    check_lr,
    check_non_negative,
    check_number,
    store,
)

__all__ = ["SGD", "sgd_update"]


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
        fused (bool | None): use the backend's fused kernel ``sgd_update_`` (one call per
            parameter, in place on NumPy) when it has one (``None``, the default), never
            (``False``: the composite formula), or always (``True``: a backend without it
            is an error).

    State: ``momentum_buffer`` (only when momentum != 0).

    Example::

        opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
        opt.zero_grad(); loss.backward(); opt.step()
    """

    scalar_state = ()
    fused_kernel = "sgd_update_"

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 fused: bool | None = None):
        self.fused = fused
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        momentum = check_non_negative(name, "momentum value", group["momentum"])
        dampening = check_number(name, "dampening value", group["dampening"])
        check_non_negative(name, "weight_decay value", group["weight_decay"])
        if group["nesterov"] and (momentum <= 0 or dampening != 0):
            raise ValueError(f"{name}: Nesterov momentum requires a momentum and zero "
                             f"dampening (momentum={momentum}, dampening={dampening})")

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        b = state.get("momentum_buffer")
        hyper = dict(lr=group["lr"], momentum=group["momentum"],
                     dampening=group["dampening"], weight_decay=group["weight_decay"],
                     nesterov=group["nesterov"], maximize=group["maximize"])
        fused = self.fused_kernel_for(k)
        if fused is not None:
            x, b = fused(self.owned_data(p, k), grad, None if b is None else b.data, **hyper)
        else:
            x, b = sgd_update(k, p.data, grad, None if b is None else b.data, **hyper)
        self.set_param(p, x)
        if b is not None:
            store(state, "momentum_buffer", b, p)


def sgd_update(k, x, grad, b, *, lr: float, momentum: float, dampening: float,
               weight_decay: float, nesterov: bool, maximize: bool):
    """One SGD step on native arrays, returning ``(x, b)`` (new arrays; ``b`` is the
    momentum buffer, ``None`` in on the first step and out without momentum): the
    composite of the optional fused kernel ``sgd_update_``, same signature (plus ``k``)::

        g = -grad if maximize else grad
        g = g + weight_decay * x
        b = g  (first step)   or   b = momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b           (when momentum != 0)
        x = x - lr * g
    """
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * x
    if momentum != 0:
        if b is None:
            b = k.clone(g)
        else:  # (1 - dampening) * g is g itself when dampening == 0: skip the op
            b = momentum * b + (g if dampening == 0 else (1 - dampening) * g)
        g = g + momentum * b if nesterov else b
    else:
        b = None
    return x - lr * g, b
