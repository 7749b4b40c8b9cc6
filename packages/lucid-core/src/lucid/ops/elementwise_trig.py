"""Trigonometric and hyperbolic functions: ``y = f(x)``, ``dx = dy * f'(x)``.

All are float-only (integer input gives ``float32``). NumPy names (``arcsin``) and
PyTorch names (``asin``) are both provided; ``arctan2(y, x)`` is the angle of the point
``(x, y)``.
"""

from __future__ import annotations

from lucid.ops.arithmetic import Binary, as_tensor_pair
from lucid.ops.elementwise import Unary, float_input, sqrt, unary_float
from lucid.ops.registry import apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "asin", "acos", "atan", "arctan2",
    "atan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "asinh", "acosh", "atanh",
]


@register
class Sin(Unary):
    """``y = sin x``; ``dx = dy * cos x``."""

    name = "sin"

    def vjp(self, node, g):
        return g * cos(node.inputs[0])


@register
class Cos(Unary):
    """``y = cos x``; ``dx = -dy * sin x``."""

    name = "cos"

    def vjp(self, node, g):
        return -g * sin(node.inputs[0])


@register
class Tan(Unary):
    """``y = tan x``; ``dx = dy * (1 + y^2)``."""

    name = "tan"
    save_output = True

    def vjp(self, node, g):
        y = node.output
        return g * (1 + y * y)


@register
class Arcsin(Unary):
    """``y = arcsin x`` on [-1, 1]; ``dx = dy / sqrt(1 - x^2)``."""

    name = "arcsin"

    def vjp(self, node, g):
        x = node.inputs[0]
        return g / sqrt(1 - x * x)


@register
class Arccos(Unary):
    """``y = arccos x`` on [-1, 1]; ``dx = -dy / sqrt(1 - x^2)``."""

    name = "arccos"

    def vjp(self, node, g):
        x = node.inputs[0]
        return -g / sqrt(1 - x * x)


@register
class Arctan(Unary):
    """``y = arctan x``; ``dx = dy / (1 + x^2)``."""

    name = "arctan"

    def vjp(self, node, g):
        x = node.inputs[0]
        return g / (1 + x * x)


@register
class Arctan2(Binary):
    """``z = atan2(y, x)``, the angle of ``(x, y)`` in (-pi, pi];
    ``dy = dz * x / (x^2 + y^2)``, ``dx = -dz * y / (x^2 + y^2)``."""

    name = "arctan2"

    def vjp(self, node, g):
        y, x = node.inputs
        r2 = x * x + y * y
        return (g * x / r2 if node.needs_grad[0] else None,
                -g * y / r2 if node.needs_grad[1] else None)


@register
class Sinh(Unary):
    """``y = sinh x``; ``dx = dy * cosh x``."""

    name = "sinh"

    def vjp(self, node, g):
        return g * cosh(node.inputs[0])


@register
class Cosh(Unary):
    """``y = cosh x``; ``dx = dy * sinh x``."""

    name = "cosh"

    def vjp(self, node, g):
        return g * sinh(node.inputs[0])


@register
class Tanh(Unary):
    """``y = tanh x``; ``dx = dy * (1 - y^2)``."""

    name = "tanh"
    save_output = True

    def vjp(self, node, g):
        y = node.output
        return g * (1 - y * y)


@register
class Arcsinh(Unary):
    """``y = arcsinh x``; ``dx = dy / sqrt(x^2 + 1)``."""

    name = "arcsinh"

    def vjp(self, node, g):
        x = node.inputs[0]
        return g / sqrt(x * x + 1)


@register
class Arccosh(Unary):
    """``y = arccosh x`` for x >= 1; ``dx = dy / sqrt(x^2 - 1)``."""

    name = "arccosh"

    def vjp(self, node, g):
        x = node.inputs[0]
        return g / sqrt(x * x - 1)


@register
class Arctanh(Unary):
    """``y = arctanh x`` on (-1, 1); ``dx = dy / (1 - x^2)``."""

    name = "arctanh"

    def vjp(self, node, g):
        x = node.inputs[0]
        return g / (1 - x * x)


def _unary_function(op_name: str, doc: str):
    def fn(x) -> Tensor:
        return unary_float(op_name, x)

    fn.__name__ = fn.__qualname__ = op_name
    fn.__doc__ = doc
    return fn


sin = _unary_function("sin", "Elementwise sine (radians).")
cos = _unary_function("cos", "Elementwise cosine (radians).")
tan = _unary_function("tan", "Elementwise tangent (radians).")
arcsin = asin = _unary_function("arcsin", "Elementwise inverse sine, in [-pi/2, pi/2].")
arccos = acos = _unary_function("arccos", "Elementwise inverse cosine, in [0, pi].")
arctan = atan = _unary_function("arctan", "Elementwise inverse tangent, in (-pi/2, pi/2).")
sinh = _unary_function("sinh", "Elementwise hyperbolic sine.")
cosh = _unary_function("cosh", "Elementwise hyperbolic cosine.")
tanh = _unary_function("tanh", "Elementwise hyperbolic tangent, ``(e^x - e^-x)/(e^x + e^-x)``.")
arcsinh = asinh = _unary_function("arcsinh", "Elementwise inverse hyperbolic sine.")
arccosh = acosh = _unary_function("arccosh", "Elementwise inverse hyperbolic cosine.")
arctanh = atanh = _unary_function("arctanh", "Elementwise inverse hyperbolic tangent.")


def arctan2(y, x) -> Tensor:
    """Elementwise ``atan2(y, x)``: the angle of the point ``(x, y)``, broadcast."""
    y, x = as_tensor_pair(y, x)
    if not y.dtype.is_floating_point:
        y, x = float_input(y), float_input(x)
    return apply("arctan2", y, x)


atan2 = arctan2

for _names, _fn in ((("sin",), sin), (("cos",), cos), (("tan",), tan),
                    (("arcsin", "asin"), arcsin), (("arccos", "acos"), arccos),
                    (("arctan", "atan"), arctan), (("arctan2", "atan2"), arctan2),
                    (("sinh",), sinh), (("cosh",), cosh), (("tanh",), tanh),
                    (("arcsinh", "asinh"), arcsinh), (("arccosh", "acosh"), arccosh),
                    (("arctanh", "atanh"), arctanh)):
    tensor_method(*_names)(_fn)
