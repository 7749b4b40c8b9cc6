"""Trigonometric and hyperbolic functions: ``y = f(x)``, ``dx = dy * f'(x)``.

All are float-only (integer input gives ``float32``). NumPy names (``arcsin``) and
PyTorch names (``asin``) are both provided; ``arctan2(y, x)`` is the angle of the point
``(x, y)``.
"""

from __future__ import annotations

from lucid.ops.arithmetic import Binary, as_tensor_pair
from lucid.ops.elementwise import Unary, float_input, unary_float
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
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return g * k.cos(x)


@register
class Cos(Unary):
    """``y = cos x``; ``dx = -dy * sin x``."""

    name = "cos"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return -g * k.sin(x)


@register
class Tan(Unary):
    """``y = tan x``; ``dx = dy * (1 + y^2)``."""

    name = "tan"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y = k.output(node)
        return g * (1 + y * y)


@register
class Arcsin(Unary):
    """``y = arcsin x`` on [-1, 1]; ``dx = dy / sqrt(1 - x^2)``."""

    name = "arcsin"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, k.sqrt(1 - x * x))


@register
class Arccos(Unary):
    """``y = arccos x`` on [-1, 1]; ``dx = -dy / sqrt(1 - x^2)``."""

    name = "arccos"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(-g, k.sqrt(1 - x * x))


@register
class Arctan(Unary):
    """``y = arctan x``; ``dx = dy / (1 + x^2)``."""

    name = "arctan"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, 1 + x * x)


@register
class Arctan2(Binary):
    """``z = atan2(y, x)``, the angle of ``(x, y)`` in (-pi, pi];
    ``dy = dz * x / (x^2 + y^2)``, ``dx = -dz * y / (x^2 + y^2)``."""

    name = "arctan2"
    save_inputs = (0, 1)

    def vjp(self, k, node, g):
        y, x = k.inputs(node)
        r2 = x * x + y * y
        return (k.div(g * x, r2) if node.needs_grad[0] else None,
                k.div(-g * y, r2) if node.needs_grad[1] else None)


@register
class Sinh(Unary):
    """``y = sinh x``; ``dx = dy * cosh x``."""

    name = "sinh"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return g * k.cosh(x)


@register
class Cosh(Unary):
    """``y = cosh x``; ``dx = dy * sinh x``."""

    name = "cosh"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return g * k.sinh(x)


@register
class Tanh(Unary):
    """``y = tanh x``; ``dx = dy * (1 - y^2)``."""

    name = "tanh"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y = k.output(node)
        return g * (1 - y * y)


@register
class Arcsinh(Unary):
    """``y = arcsinh x``; ``dx = dy / sqrt(x^2 + 1)``."""

    name = "arcsinh"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, k.sqrt(x * x + 1))


@register
class Arccosh(Unary):
    """``y = arccosh x`` for x >= 1; ``dx = dy / sqrt(x^2 - 1)``."""

    name = "arccosh"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, k.sqrt(x * x - 1))


@register
class Arctanh(Unary):
    """``y = arctanh x`` on (-1, 1); ``dx = dy / (1 - x^2)``."""

    name = "arctanh"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.div(g, 1 - x * x)


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
