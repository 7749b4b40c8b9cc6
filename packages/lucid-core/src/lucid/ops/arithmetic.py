"""Arithmetic and comparison: ``add, sub, mul, div, neg, pow, floor_divide, remainder``,
``eq, ne, lt, le, gt, ge``, logical ops, and the Python operators of :class:`Tensor`.

Binary ops broadcast their inputs (NumPy rules) and promote dtypes with PyTorch's rules
(:func:`lucid.dtypes.result_type`); Python scalars become 0-d tensors of the result dtype.
The engine sums gradients back to each input's shape, so a VJP may return the broadcast
shape.
"""

from __future__ import annotations

from lucid.dtypes import Bool, DType, default_float, result_type
from lucid.errors import ShapeError
from lucid.ops.registry import Op, apply, apply_broadcasting, register
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "floor_divide", "remainder", "eq", "ne", "lt",
    "le", "gt", "ge", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "multiply", "subtract", "divide",
    "true_divide", "negative", "power", "broadcast_shapes",
]


def broadcast_shapes(op: str, *shapes) -> tuple[int, ...]:
    """The NumPy broadcast of ``shapes``; ShapeError naming the op and shapes otherwise."""
    ndim = max(len(s) for s in shapes)
    out = []
    for i in range(ndim):
        sizes = {s[i - ndim + len(s)] for s in shapes if i - ndim + len(s) >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            raise ShapeError(f"{op}: shapes {' and '.join(map(str, shapes))} cannot be "
                             "broadcast together")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


class Binary(Op):
    """A broadcasting binary op: the check is the broadcast rule."""

    def check(self, x, y, **params):
        xs, ys = x._data.shape, y._data.shape
        if xs != ys and xs and ys:
            broadcast_shapes(self.name, x.shape, y.shape)


def as_tensor_pair(x, y, dtype: DType | None = None):
    """Two operands -> two tensors of the promoted dtype on the tensor operand's device."""
    x_is_tensor, y_is_tensor = isinstance(x, Tensor), isinstance(y, Tensor)
    if dtype is None:
        if x_is_tensor and y_is_tensor and x.dtype is y.dtype:
            return x, y
        dtype = _scalar_keeps_dtype(x, y) if x_is_tensor else _scalar_keeps_dtype(y, x)
        dtype = dtype or result_type(x, y)
    if x_is_tensor:
        x = x.astype(dtype) if x.dtype != dtype else x
    else:
        x = scalar_tensor(x, dtype, y)
    if y_is_tensor:
        y = y.astype(dtype) if y.dtype != dtype else y
    else:
        y = scalar_tensor(y, dtype, x)
    return x, y


def _scalar_keeps_dtype(tensor, other) -> DType | None:
    """Fast path: a float tensor with any number, or an int tensor with an int, keeps its
    dtype (what result_type would say); None when the general rule must decide."""
    kind = type(other)
    if kind is float or kind is int:
        dtype = tensor.dtype
        if dtype.kind == "f" or (kind is int and dtype.kind in "iu"):
            return dtype
    return None


def scalar_tensor(value, dtype: DType, like: Tensor) -> Tensor:
    """A 0-d tensor holding a Python number, on ``like``'s device and backend."""
    backend = like._backend
    return Tensor._wrap(backend.scalar(value, dtype), like._device, backend=backend)


@register
class Add(Binary):
    """``z = x + y``; ``dx = dz``, ``dy = dz``."""

    name = "add"
    save_inputs = ()

    def vjp(self, k, node, g):
        return g, g


@register
class Sub(Binary):
    """``z = x - y``; ``dx = dz``, ``dy = -dz``."""

    name = "sub"
    save_inputs = ()

    def vjp(self, k, node, g):
        return g, (-g if node.needs_grad[1] else None)


@register
class Mul(Binary):
    """``z = x * y``; ``dx = dz * y``, ``dy = dz * x``."""

    name = "mul"

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        return (g * y if node.needs_grad[0] else None, g * x if node.needs_grad[1] else None)


@register
class Div(Binary):
    """``z = x / y``; ``dx = dz / y``, ``dy = -dz * x / y^2``."""

    name = "div"

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        return (k.div(g, y) if node.needs_grad[0] else None,
                k.div(-g * x, y * y) if node.needs_grad[1] else None)


@register
class Pow(Binary):
    """``z = x ** y``; ``dx = dz * y * x^(y-1)``, ``dy = dz * z * log(x)``."""

    name = "pow"

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        dx = g * y * k.pow(x, y - 1) if node.needs_grad[0] else None
        dy = None
        if node.needs_grad[1]:
            safe = k.where(k.gt(x, 0), x, 1)
            dy = g * k.pow(x, y) * k.log(safe)
        return dx, dy


@register
class Neg(Op):
    """``y = -x``; ``dx = -dy``."""

    name = "neg"
    save_inputs = ()

    def vjp(self, k, node, g):
        return -g


@register
class FloorDivide(Binary):
    """``z = floor(x / y)`` (Python's ``//``); gradient zero almost everywhere: none."""

    name = "floor_divide"
    differentiable = False


@register
class Remainder(Binary):
    """``z = x - floor(x / y) * y`` (Python's ``%``, sign of ``y``);
    ``dx = dz``, ``dy = -dz * floor(x / y)``."""

    name = "remainder"

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        dy = -g * k.floor_divide(x, y) if node.needs_grad[1] else None
        return g, dy


def _comparison(op_name: str, doc: str):
    cls = type(op_name.title(), (Binary,), {"name": op_name, "differentiable": False,
                                             "__doc__": doc})
    register(cls)


for _name, _doc in (("eq", "x == y"), ("ne", "x != y"), ("lt", "x < y"), ("le", "x <= y"),
                    ("gt", "x > y"), ("ge", "x >= y"), ("logical_and", "x and y"),
                    ("logical_or", "x or y"), ("logical_xor", "x xor y")):
    _comparison(_name, f"``z = {_doc}`` elementwise, a bool tensor; not differentiable.")


@register
class LogicalNot(Op):
    """``y = not x`` elementwise (bool)."""

    name = "logical_not"
    differentiable = False


def _binary(op_name: str, x, y, dtype=None):
    if (dtype is None and isinstance(x, Tensor) and isinstance(y, Tensor)
            and x._data.dtype == y._data.dtype):
        return apply_broadcasting(op_name, x, y)  # the common case: nothing to promote
    return apply(op_name, *as_tensor_pair(x, y, dtype))


def add(x, y, alpha=1):
    """``x + alpha * y`` with broadcasting and promotion."""
    return _binary("add", x, y if alpha == 1 else y * alpha)


def sub(x, y, alpha=1):
    """``x - alpha * y``."""
    return _binary("sub", x, y if alpha == 1 else y * alpha)


def mul(x, y):
    """``x * y``."""
    return _binary("mul", x, y)


def div(x, y, rounding_mode=None):
    """True division ``x / y`` (integers give the default float), or ``//`` with
    ``rounding_mode="floor"``."""
    if rounding_mode == "floor":
        return floor_divide(x, y)
    dtype = result_type(x, y)
    if not dtype.is_floating_point:
        dtype = default_float
    return _binary("div", x, y, dtype)


def pow(x, y):  # noqa: A001 - the NumPy/PyTorch name
    """``x ** y``."""
    return _binary("pow", x, y)


def neg(x):
    """``-x``."""
    return apply("neg", x)


def floor_divide(x, y):
    """``floor(x / y)``; integer division by zero raises ``ZeroDivisionError`` (as PyTorch;
    float division by zero gives +-inf or NaN)."""
    return _integer_division_checked("floor_divide", x, y)


def remainder(x, y):
    """``x % y`` with the sign of ``y`` (Python semantics); an integer ``x % 0`` raises
    ``ZeroDivisionError`` (as PyTorch)."""
    return _integer_division_checked("remainder", x, y)


def _integer_division_checked(op_name: str, x, y):
    """``op(x, y)``, refusing a zero divisor when the result is an integer (NumPy would
    return 0, MLX garbage). The check reads the divisor only for integer results."""
    out = _binary(op_name, x, y)
    if not out.dtype.is_floating_point:
        zero = (y == 0).any().item() if isinstance(y, Tensor) else y == 0
        if zero:
            what = f"of shape {y.shape} holds 0" if isinstance(y, Tensor) else f"is {y!r}"
            raise ZeroDivisionError(f"{op_name}: integer division by zero (result dtype "
                                    f"{out.dtype}; the divisor {what})")
    return out


def _compare(op_name):
    def compare(x, y):
        return _binary(op_name, x, y)

    compare.__name__ = op_name
    compare.__doc__ = f"Elementwise ``{op_name}`` as a bool tensor."
    return compare


eq, ne, lt, le, gt, ge = (_compare(n) for n in ("eq", "ne", "lt", "le", "gt", "ge"))
equal, not_equal, less, less_equal, greater, greater_equal = eq, ne, lt, le, gt, ge


def logical_and(x, y):
    return _binary("logical_and", x, y, Bool)


def logical_or(x, y):
    return _binary("logical_or", x, y, Bool)


def logical_xor(x, y):
    return _binary("logical_xor", x, y, Bool)


def logical_not(x):
    return apply("logical_not", x if x.dtype == Bool else x.astype(Bool))


multiply, subtract, divide, true_divide, negative, power = mul, sub, div, div, neg, pow


def _swap(fn):
    return lambda self, other: fn(other, self)


def _operator(op_name: str):
    """``x <op> y`` straight to :func:`_binary` (one call less on the hottest path)."""

    def operator(x, y):
        return _binary(op_name, x, y)

    operator.__name__ = op_name
    return operator


_OPERATORS = {"add": _operator("add"), "sub": _operator("sub"), "mul": _operator("mul"),
              "truediv": div, "floordiv": floor_divide, "mod": remainder, "pow": pow}
for _op, _fn in _OPERATORS.items():
    setattr(Tensor, f"__{_op}__", _fn)
    setattr(Tensor, f"__r{_op}__", _swap(_fn))
for _op, _fn in (("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge)):
    setattr(Tensor, f"__{_op}__", _fn)
    setattr(Tensor, _op, _fn)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__and__ = Tensor.__rand__ = logical_and
Tensor.__or__ = Tensor.__ror__ = logical_or
Tensor.__xor__ = Tensor.__rxor__ = logical_xor
Tensor.__invert__ = logical_not
for _name, _fn in (("add", add), ("sub", sub), ("mul", mul), ("div", div), ("pow", pow),
                   ("neg", neg), ("remainder", remainder), ("floor_divide", floor_divide),
                   ("logical_and", logical_and), ("logical_or", logical_or),
                   ("logical_not", logical_not), ("logical_xor", logical_xor),
                   ("multiply", mul), ("subtract", sub), ("divide", div)):
    tensor_method(_name)(_fn)


def _inplace(fn):
    def method(self, *args, **kwargs):
        return self._assign(fn(self, *args, **kwargs))

    return method


for _name, _fn in (("add_", add), ("sub_", sub), ("mul_", mul), ("div_", div),
                   ("pow_", pow), ("__iadd__", add), ("__isub__", sub), ("__imul__", mul),
                   ("__itruediv__", div), ("neg_", neg)):
    setattr(Tensor, _name, _inplace(_fn))
