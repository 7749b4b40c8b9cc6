"""Unary elementwise math: each op's forward rule and derivative side by side.

``y = f(x)``, ``dx = dy * f'(x)``, the derivative written with Lucid ops so it can be
differentiated again. Float-only functions (``exp, log, sqrt, sigmoid, erf`` ...) convert
integer and bool input to the default float (``float32``), as PyTorch does.

Trigonometric and hyperbolic functions live in ``elementwise_trig.py``; rounding,
clamping, ``maximum``/``minimum`` and the NaN tests in ``rounding_clamping.py``;
in-place variants (``exp_``, ``clamp_``, ``fill_`` ...) in ``elementwise_inplace.py``.
"""

from __future__ import annotations

import math

from lucid.dtypes import Bool, default_float, result_type
from lucid.ops.arithmetic import broadcast_shapes
from lucid.ops.creation import full
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "exp", "log", "where", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "square",
    "cube", "reciprocal", "abs", "absolute", "sign", "sigmoid", "erf",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Unary(Op):
    """A unary elementwise op; its function converts integer input to float when the op
    is float-only."""


def as_tensor(x) -> Tensor:
    """Python numbers and lists become tensors (the functions also accept them)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def float_input(x) -> Tensor:
    """``x`` as a tensor of a floating dtype (integers and bools -> ``float32``)."""
    x = as_tensor(x)
    return x if x.dtype.is_floating_point else x.astype(default_float)


def unary_float(name: str, x) -> Tensor:
    """Apply float-only unary op ``name`` to ``x``."""
    return apply(name, float_input(x))


@register
class Exp(Unary):
    """``y = e^x``; ``dx = dy * y``."""

    name = "exp"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        return g * k.output(node)


@register
class Log(Unary):
    """``y = ln x``; ``dx = dy / x``."""

    name = "log"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, x)


@register
class Log2(Unary):
    """``y = log2 x``; ``dx = dy / (x ln 2)``."""

    name = "log2"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, x * _LN2)


@register
class Log10(Unary):
    """``y = log10 x``; ``dx = dy / (x ln 10)``."""

    name = "log10"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, x * _LN10)


@register
class Log1p(Unary):
    """``y = ln(1 + x)`` (accurate for small x); ``dx = dy / (1 + x)``."""

    name = "log1p"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, x + 1)


@register
class Expm1(Unary):
    """``y = e^x - 1`` (accurate for small x); ``dx = dy * (y + 1)``."""

    name = "expm1"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        return g * (k.output(node) + 1)


@register
class Sqrt(Unary):
    """``y = sqrt(x)``; ``dx = dy / (2 y)``."""

    name = "sqrt"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        return k.div(g, k.output(node) * 2)


@register
class Abs(Unary):
    """``y = |x|``; ``dx = dy * sign(x)`` (0 at x = 0, as PyTorch)."""

    name = "abs"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return g * k.sign(x)


@register
class Sign(Unary):
    """``y = sign(x)`` in {-1, 0, 1}; ``dx = 0``."""

    name = "sign"
    save_inputs = ()

    def vjp(self, k, node, g):
        return k.zeros_like(g)


@register
class Sigmoid(Unary):
    """``y = 1 / (1 + e^-x)``, computed without overflow for large ``|x|``;
    ``dx = dy * y * (1 - y)``."""

    name = "sigmoid"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y = k.output(node)
        return g * y * (1 - y)


@register
class Erf(Unary):
    """``y = erf(x) = 2/sqrt(pi) * int_0^x e^(-t^2) dt``;
    ``dx = dy * 2/sqrt(pi) * e^(-x^2)``."""

    name = "erf"

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return g * (k.exp(-(x * x)) * _TWO_OVER_SQRT_PI)


@tensor_method("exp")
def exp(x) -> Tensor:
    """Elementwise ``e^x``."""
    return unary_float("exp", x)


@tensor_method("log")
def log(x) -> Tensor:
    """Elementwise natural logarithm ``ln x`` (``-inf`` at 0, NaN below)."""
    return unary_float("log", x)


@tensor_method("log2")
def log2(x) -> Tensor:
    """Elementwise base-2 logarithm."""
    return unary_float("log2", x)


@tensor_method("log10")
def log10(x) -> Tensor:
    """Elementwise base-10 logarithm."""
    return unary_float("log10", x)


@tensor_method("log1p")
def log1p(x) -> Tensor:
    """Elementwise ``ln(1 + x)``, accurate when ``|x|`` is tiny."""
    return unary_float("log1p", x)


@tensor_method("expm1")
def expm1(x) -> Tensor:
    """Elementwise ``e^x - 1``, accurate when ``|x|`` is tiny."""
    return unary_float("expm1", x)


@tensor_method("sqrt")
def sqrt(x) -> Tensor:
    """Elementwise square root (integer input gives ``float32``)."""
    return unary_float("sqrt", x)


@tensor_method("rsqrt")
def rsqrt(x) -> Tensor:
    """Elementwise ``1 / sqrt(x)``."""
    return 1 / sqrt(x)


@tensor_method("square")
def square(x) -> Tensor:
    """Elementwise ``x * x`` (keeps integer dtypes)."""
    x = as_tensor(x)
    return x * x


@tensor_method("cube")
def cube(x) -> Tensor:
    """Elementwise ``x * x * x``."""
    x = as_tensor(x)
    return x * x * x


@tensor_method("reciprocal")
def reciprocal(x) -> Tensor:
    """Elementwise ``1 / x`` (integer input gives ``float32``)."""
    return 1 / float_input(x)


@tensor_method("abs", "absolute", "__abs__")
def abs(x) -> Tensor:  # noqa: A001 - the NumPy/PyTorch name
    """Elementwise absolute value (keeps the dtype)."""
    return apply("abs", as_tensor(x))


absolute = abs


@tensor_method("sign")
def sign(x) -> Tensor:
    """Elementwise sign: -1, 0 or 1 in the input's dtype (bool stays bool)."""
    return apply("sign", as_tensor(x))


@tensor_method("sigmoid")
def sigmoid(x) -> Tensor:
    """Elementwise logistic function ``1 / (1 + e^-x)``, stable for large ``|x|``."""
    return unary_float("sigmoid", x)


@tensor_method("erf")
def erf(x) -> Tensor:
    """Elementwise Gauss error function, accurate to float64 rounding."""
    return unary_float("erf", x)


@register
class Where(Op):
    """``z = cond ? x : y`` (broadcast);
    ``dx = where(cond, dz, 0)``, ``dy = where(cond, 0, dz)``."""

    name = "where"

    def check(self, cond, x, y):
        broadcast_shapes("where", cond.shape, x.shape, y.shape)

    save_inputs = (0,)

    def vjp(self, k, node, g):
        cond = k.inputs(node)[0]
        dx = k.where(cond, g, 0) if node.needs_grad[1] else None
        dy = k.where(cond, 0, g) if node.needs_grad[2] else None
        return None, dx, dy


def where(condition, x=None, y=None) -> Tensor:
    """``x`` where ``condition`` holds, else ``y`` (tensors or scalars, broadcast).

    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)`` (NumPy, PyTorch).
    """
    if x is None and y is None:
        from lucid.ops import nonzero

        return nonzero(as_tensor(condition), as_tuple=True)
    if x is None or y is None:
        raise ValueError("where: pass both x and y, or neither")
    if not isinstance(condition, Tensor):
        ref = x if isinstance(x, Tensor) else y
        condition = Tensor(condition, device=ref.device if isinstance(ref, Tensor) else "cpu")
    if condition.dtype != Bool:
        condition = condition.astype(Bool)
    dtype = result_type(x, y) if not (isinstance(x, Tensor) or isinstance(y, Tensor)) else None
    from lucid.ops.arithmetic import as_tensor_pair

    if dtype is not None:
        x = full((), x, dtype=dtype, device=condition.device)
    x, y = as_tensor_pair(x, y)
    return apply("where", condition, x, y)


def _where_method(self: Tensor, condition, y) -> Tensor:
    """PyTorch's ``x.where(condition, y)``: ``x`` where ``condition`` holds, else ``y``."""
    return where(condition, self, y)


Tensor.where = _where_method
