"""``matmul`` (the ``@`` operator): batched matrix product with NumPy broadcasting.

Further products (dot, inner, outer, tensordot, einsum, trace) live in
``products_from_matmul.py``.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops.arithmetic import as_tensor_pair, broadcast_shapes
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["matmul"]


@register
class MatMul(Op):
    """``Z = X @ Y`` over the last two axes (inputs at least 2-D, batch axes broadcast);
    ``dX = dZ @ Y^T``, ``dY = X^T @ dZ``."""

    name = "matmul"

    def check(self, x, y):
        if x.ndim < 2 or y.ndim < 2 or x.shape[-1] != y.shape[-2]:
            raise ShapeError(f"matmul: shapes {x.shape} and {y.shape} are not aligned "
                             f"({x.shape[-1] if x.ndim else None} != "
                             f"{y.shape[-2] if y.ndim > 1 else None})")
        broadcast_shapes("matmul", x.shape[:-2], y.shape[:-2])

    save_inputs = (0, 1)

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        dx = k.matmul(g, _swap_last(k, y)) if node.needs_grad[0] else None
        dy = k.matmul(_swap_last(k, x), g) if node.needs_grad[1] else None
        return dx, dy


def _swap_last(k, a):
    """``a`` with its last two axes swapped (``a.mT``)."""
    n = len(a.shape)
    return k.permute(a, axes=tuple(range(n - 2)) + (n - 1, n - 2))


@tensor_method("matmul", "__matmul__")
def matmul(x: Tensor, y: Tensor) -> Tensor:
    """Matrix product with NumPy's rules for 1-D operands (prepended/appended 1)."""
    if not isinstance(x, Tensor) or not isinstance(y, Tensor):
        raise TypeError(f"matmul: operands must be tensors, got {type(x).__name__} and "
                        f"{type(y).__name__}")
    if x.ndim == 0 or y.ndim == 0:
        raise ShapeError(f"matmul: 0-d operands are not allowed (shapes {x.shape}, {y.shape})")
    x, y = as_tensor_pair(x, y)
    squeeze_front, squeeze_back = x.ndim == 1, y.ndim == 1
    if squeeze_front:
        x = x.reshape(1, x.shape[0])
    if squeeze_back:
        y = y.reshape(y.shape[0], 1)
    out = apply("matmul", x, y)
    if squeeze_front and squeeze_back:
        return out.reshape(out.shape[:-2])
    if squeeze_front:
        return out.reshape(out.shape[:-2] + out.shape[-1:])
    if squeeze_back:
        return out.reshape(out.shape[:-1])
    return out


Tensor.__rmatmul__ = lambda self, other: matmul(other, self)
