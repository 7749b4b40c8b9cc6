"""Unary elementwise math: each op's forward rule and derivative side by side.

``exp, log, where`` here are the seed of the family; ``y = f(x)``, ``dx = dy * f'(x)``.
"""

from __future__ import annotations

from lucid.dtypes import Bool, default_float, result_type
from lucid.ops.arithmetic import broadcast_shapes
from lucid.ops.creation import full
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["exp", "log", "where"]


class Unary(Op):
    """A unary elementwise op whose input is converted to a float dtype first."""


def _float_input(x: Tensor) -> Tensor:
    return x if x.dtype.is_floating_point else x.astype(default_float)


@register
class Exp(Unary):
    """``y = e^x``; ``dx = dy * y``."""

    name = "exp"
    save_output = True

    def vjp(self, node, g):
        return g * node.output


@register
class Log(Unary):
    """``y = ln x``; ``dx = dy / x``."""

    name = "log"

    def vjp(self, node, g):
        return g / node.inputs[0]


@tensor_method("exp")
def exp(x: Tensor) -> Tensor:
    """Elementwise ``e^x``."""
    return apply("exp", _float_input(x))


@tensor_method("log")
def log(x: Tensor) -> Tensor:
    """Elementwise natural logarithm."""
    return apply("log", _float_input(x))


@register
class Where(Op):
    """``z = cond ? x : y`` (broadcast);
    ``dx = where(cond, dz, 0)``, ``dy = where(cond, 0, dz)``."""

    name = "where"

    def check(self, cond, x, y):
        broadcast_shapes("where", cond.shape, x.shape, y.shape)

    def vjp(self, node, g):
        cond = node.inputs[0]
        zero = full((), 0, dtype=g.dtype, device=g.device)
        dx = where(cond, g, zero) if node.needs_grad[1] else None
        dy = where(cond, zero, g) if node.needs_grad[2] else None
        return None, dx, dy


@tensor_method("where")
def where(condition, x, y) -> Tensor:
    """``x`` where ``condition`` holds, else ``y`` (tensors or scalars, broadcast)."""
    if not isinstance(condition, Tensor):
        ref = x if isinstance(x, Tensor) else y
        condition = Tensor(condition, device=ref.device)
    if condition.dtype != Bool:
        condition = condition.astype(Bool)
    dtype = result_type(x, y) if not (isinstance(x, Tensor) or isinstance(y, Tensor)) else None
    from lucid.ops.arithmetic import as_tensor_pair

    if dtype is not None:
        x = full((), x, dtype=dtype, device=condition.device)
    x, y = as_tensor_pair(x, y)
    return apply("where", condition, x, y)
