"""Reductions: ``sum`` and ``mean`` (more reductions live in ``reduction_stats.py``).

Both spellings are accepted: ``axis=``/``keepdims=`` (NumPy) and ``dim=``/``keepdim=``
(PyTorch); they mean the same here.
"""

from __future__ import annotations

from lucid.dtypes import Int64, default_float
from lucid.ops._args import normalize_axes, pick_axis
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["sum", "mean"]


def keepdims_shape(shape, axes) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` (None: all) set to 1."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def expand_reduced(g: Tensor, in_shape, axes, keepdims: bool) -> Tensor:
    """Broadcast a reduction's gradient back to the input shape."""
    if not keepdims:
        g = g.reshape(keepdims_shape(in_shape, axes))
    return g.broadcast_to(in_shape)


@register
class Sum(Op):
    """``y = sum_{axes} x``; ``dx = broadcast(dy)``."""

    name = "sum"

    def vjp(self, node, g):
        x = node.inputs[0]
        return expand_reduced(g, x.shape, node.params["axis"], node.params["keepdims"])


def reduce_args(x: Tensor, axis, dim, keepdims, keepdim, op: str):
    axes = normalize_axes(pick_axis(axis, dim, op), x.ndim, op)
    return axes, bool(keepdims or keepdim)


@tensor_method("sum")
def sum(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False,  # noqa: A001
        dtype=None) -> Tensor:
    """Sum over ``axis`` (all axes when None). Bool and integer sums give int64."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "sum")
    if dtype is not None:
        x = x.astype(dtype)
    elif not x.dtype.is_floating_point and x.dtype != Int64:
        x = x.astype(Int64)
    return apply("sum", x, axis=axes, keepdims=keep)


@tensor_method("mean")
def mean(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False) -> Tensor:
    """Arithmetic mean over ``axis``: ``sum(x) / n``."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "mean")
    if not x.dtype.is_floating_point:
        x = x.astype(default_float)
    count = 1
    for i in (range(x.ndim) if axes is None else axes):
        count *= x.shape[i]
    return apply("sum", x, axis=axes, keepdims=keep) / count
