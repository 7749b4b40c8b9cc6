"""Running reductions along one axis: ``cumsum`` and ``cumprod``.

``y_i = x_0 + ... + x_i`` (or the product). The op takes ``reverse`` (accumulate from the
end), which is what the gradient of the forward scan needs:
``d cumsum = reverse cumsum of dy``. ``axis=None`` (NumPy) scans the flattened tensor.
"""

from __future__ import annotations

from lucid.dtypes import Int64
from lucid.ops._args import normalize_axis, pick_axis
from lucid.ops.reduction import accumulation_input
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["cumsum", "cumprod"]


@register
class Cumsum(Op):
    """``y_i = sum_{j <= i} x_j`` along ``axis`` (``j >= i`` when ``reverse``);
    ``dx = cumsum(dy, reverse=not reverse)``."""

    name = "cumsum"
    save_inputs = ()

    def vjp(self, k, node, g):
        p = node.params
        return k.cumsum(g, axis=p["axis"], reverse=not p["reverse"])


@register
class Cumprod(Op):
    """``y_i = prod_{j <= i} x_j`` along ``axis`` (``j >= i`` when ``reverse``);
    ``dx_i = sum_{k >= i} dy_k prod_{j <= k, j != i} x_j``.

    Before the first zero ``z`` of a scan this is ``rcumsum(dy * y)_i / x_i``; at ``z`` it
    is ``rcumsum(dy * y')_z`` where ``y'`` is the scan with ``x_z`` replaced by 1; after
    ``z`` it is 0 (every such product contains ``x_z``). ``rcumsum`` runs the other way.
    """

    name = "cumprod"
    save_inputs = (0,)
    save_output = True

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        axis, rev = node.params["axis"], node.params["reverse"]
        is_zero = k.eq(x, 0)
        if not bool(k.any(is_zero, axis=None, keepdims=False)):
            return k.div(k.cumsum(g * k.output(node), axis=axis, reverse=not rev), x)
        zeros_so_far = k.cumsum(k.astype(is_zero, dtype=Int64), axis=axis, reverse=rev)
        before = k.eq(zeros_so_far, 0)
        dx = k.div(k.cumsum(g * k.output(node), axis=axis, reverse=not rev),
                   k.where(before, x, 1))
        first = k.logical_and(is_zero, k.eq(zeros_so_far, 1))
        y_skip = k.cumprod(k.where(first, 1, x), axis=axis, reverse=rev)
        at_first = k.cumsum(g * y_skip, axis=axis, reverse=not rev)
        return k.where(before, dx, k.where(first, at_first, 0))


def _scan(op: str, x: Tensor, axis, dim, dtype) -> Tensor:
    axis = pick_axis(axis, dim, op)
    x = accumulation_input(x, dtype)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    if x.ndim == 0:
        x = x.reshape(1)
        return apply(op, x, axis=0, reverse=False).reshape(())
    return apply(op, x, axis=normalize_axis(axis, x.ndim, op), reverse=False)


@tensor_method("cumsum")
def cumsum(x: Tensor, axis=None, dtype=None, *, dim=None) -> Tensor:
    """Cumulative sum along ``axis``/``dim`` (the flattened tensor when None).
    Integer and bool input gives int64.

    >>> lucid.tensor([[1, 2, 3], [4, 5, 6]]).cumsum(dim=1).tolist()
    [[1, 3, 6], [4, 9, 15]]
    """
    return _scan("cumsum", x, axis, dim, dtype)


@tensor_method("cumprod")
def cumprod(x: Tensor, axis=None, dtype=None, *, dim=None) -> Tensor:
    """Cumulative product along ``axis``/``dim`` (the flattened tensor when None)."""
    return _scan("cumprod", x, axis, dim, dtype)
