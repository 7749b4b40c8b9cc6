"""The one check every stand-in gradient passes: same shape and dtype as what it replaces.

Used where a gradient comes from outside the engine: a tensor hook's or a module backward
hook's return value, an assigned ``t.grad``, the gradients an optimizer is about to apply.
"""

from __future__ import annotations

from lucid.errors import DTypeError, ShapeError

__all__ = ["check_gradient"]


def check_gradient(grad, shape, dtype, subject: str) -> None:
    """Raise :class:`ShapeError` / :class:`DTypeError` when tensor ``grad`` does not have
    ``shape`` and ``dtype``; the message reads ``"{subject} of shape (3,), expected
    (2,)"``, so ``subject`` names who produced the gradient."""
    if grad.shape != tuple(shape):
        raise ShapeError(f"{subject} of shape {grad.shape}, expected {tuple(shape)}")
    if grad.dtype != dtype:
        raise DTypeError(f"{subject} of dtype {grad.dtype}, expected {dtype}")
