"""Reductions of whole vectors to Python floats (or 0-d tensors: :func:`dot_lazy`),
shared by LBFGS's loops and line search."""

from __future__ import annotations

import lucid
from lucid import Tensor


def dot(x: Tensor, y: Tensor) -> float:
    """``<x, y>`` of two same-shaped tensors, as a Python float."""
    return float((x * y).sum().item())


def dot_lazy(x: Tensor, y: Tensor) -> Tensor:
    """``<x, y>`` as a 0-d tensor: nothing is read back to the host (lazy backends keep
    computing); for coefficients that only scale vectors."""
    return (x * y).sum()


def abs_sum(x: Tensor) -> float:
    """``sum |x|`` (the 1-norm), as a Python float."""
    return float(lucid.abs(x).sum().item())


def max_abs(x: Tensor) -> float:
    """``max |x|`` (the infinity norm), as a Python float; 0 for an empty tensor."""
    return float(lucid.abs(x).max().item()) if x.size else 0.0
