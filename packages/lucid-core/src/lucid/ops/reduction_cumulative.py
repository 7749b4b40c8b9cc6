"""Running reductions along one axis: ``cumsum`` and ``cumprod``.

``y_i = x_0 + ... + x_i`` (or the product). The op takes ``reverse`` (accumulate from the
end), which is what the gradient of the forward scan needs:
``d cumsum = reverse cumsum of dy``. ``axis=None`` (NumPy) scans the flattened tensor.
"""

from __future__ import annotations

from lucid.dtypes import Int64
from lucid.ops._args import normalize_axis, pick_axis
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["cumsum", "cumprod"]


@register
class Cumsum(Op):
    """``y_i = sum_{j <= i} x_j`` along ``axis`` (``j >= i`` when ``reverse``);
    ``dx = cumsum(dy, reverse=not reverse)``."""

    name = "cumsum"

    def vjp(self, node, g):
        p = node.params
        return apply("cumsum", g, axis=p["axis"], reverse=not p["reverse"])


@register
class Cumprod(Op):
    """``y_i = prod_{j <= i} x_j`` along ``axis`` (``j >= i`` when ``reverse``);
    ``dx_i = sum_{k >= i} dy_k y_k / x_i`` (a reverse cumsum; assumes ``x != 0``)."""

    name = "cumprod"
    save_output = True

    def vjp(self, node, g):
        p = node.params
        x = node.inputs[0]
        return apply("cumsum", g * node.output, axis=p["axis"], reverse=not p["reverse"]) / x


def _scan(op: str, x: Tensor, axis, dim, dtype) -> Tensor:
    axis = pick_axis(axis, dim, op)
    if dtype is not None:
        x = x.astype(dtype)
    elif not x.dtype.is_floating_point and x.dtype != Int64:
        x = x.astype(Int64)
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
    Integer and bool input gives int64."""
    return _scan("cumsum", x, axis, dim, dtype)


@tensor_method("cumprod")
def cumprod(x: Tensor, axis=None, dtype=None, *, dim=None) -> Tensor:
    """Cumulative product along ``axis``/``dim`` (the flattened tensor when None)."""
    return _scan("cumprod", x, axis, dim, dtype)
