"""Autodiff: grad mode, the graph node, the backward engine and ``lucid.grad``."""

from lucid.autograd.functional import grad
from lucid.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["grad", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]
