"""Reductions of whole vectors to Python floats, shared by LBFGS's loops and line search."""

from __future__ import annotations

import lucid
from lucid import Tensor


def dot(x: Tensor, y: Tensor) -> float:
    """``<x, y>`` of two same-shaped tensors, as a Python float."""
    return float((x * y).sum().item())


def abs_sum(x: Tensor) -> float:
    """``sum |x|`` (the 1-norm), as a Python float."""
    return float(lucid.abs(x).sum().item())


def max_abs(x: Tensor) -> float:
    """``max |x|`` (the infinity norm), as a Python float; 0 for an empty tensor."""
    return float(lucid.abs(x).max().item()) if x.size else 0.0
