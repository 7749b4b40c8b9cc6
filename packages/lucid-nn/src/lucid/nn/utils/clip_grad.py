"""Gradient clipping: by global norm (``clip_grad_norm_``) or by value (``clip_grad_value_``)."""

from __future__ import annotations

import math

import lucid
from lucid.autograd.grad_mode import no_grad
from lucid.tensor import Tensor


def _grads(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """``||(t_1, ..., t_n)||_p`` over all entries of all tensors: ``(sum |t|^p)^(1/p)``,
    or ``max |t|`` for ``p = inf``."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return lucid.tensor(0.0)
    with no_grad():
        if math.isinf(norm_type):
            norms = [lucid.max(lucid.abs(t)) for t in tensors]
            total = norms[0]
            for n in norms[1:]:
                total = lucid.maximum(total, n)
        else:
            total = None
            for t in tensors:
                part = lucid.sum(lucid.abs(t) ** norm_type)
                total = part if total is None else total + part
            total = total ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(float(total.item())):
        raise RuntimeError(f"the total norm of order {norm_type} for gradients is non-finite "
                           f"({total.item()}), so it cannot be clipped")
    return total


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale all gradients by ``min(1, max_norm / (total_norm + 1e-6))`` in place, where
    ``total_norm`` is the ``norm_type`` norm of all gradients taken together.
    Returns ``total_norm``.

    Example::

        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = _grads(params)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    if not grads:
        return total
    coef = min(float(max_norm) / (float(total.item()) + 1e-6), 1.0)
    with no_grad():
        for p in params:
            if p.grad is not None:
                p.grad = p.grad * coef
    return total


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    with no_grad():
        for p in params:
            if p.grad is not None:
                p.grad = lucid.clip(p.grad, -clip_value, clip_value)
