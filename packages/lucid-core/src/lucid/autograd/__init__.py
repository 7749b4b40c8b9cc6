"""Autodiff: grad mode, the graph node, the backward engine and ``lucid.grad``."""

from lucid.autograd.functional import grad
from lucid.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from lucid.autograd.gradient_check import check_gradient
from lucid.autograd.interpreters import raw_ops

__all__ = ["grad", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled", "raw_ops",
           "check_gradient", "Function", "FunctionCtx", "once_differentiable", "attach_backward"]

_EXTENSION_API = ("Function", "FunctionCtx", "once_differentiable", "attach_backward")


def __getattr__(name: str):
    """The extension API (:mod:`lucid.autograd.function`), imported on first use: it
    builds on the op registry, which imports this package."""
    if name in _EXTENSION_API:
        from lucid.autograd import function

        return getattr(function, name)
    raise AttributeError(f"module 'lucid.autograd' has no attribute {name!r}")
