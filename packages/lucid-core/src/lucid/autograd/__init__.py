"""Autodiff: grad mode, the graph node, the backward engine and ``lucid.grad``."""

from lucid.autograd.functional import grad
from lucid.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from lucid.autograd.gradient_check import check_gradient
from lucid.autograd.interpreters import raw_ops

__all__ = ["grad", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled", "raw_ops",
           "check_gradient"]
