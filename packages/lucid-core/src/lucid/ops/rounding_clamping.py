"""Rounding, clamping, elementwise extremes and NaN handling.

* ``floor, ceil, round, trunc``: keep the dtype; gradient zero (as PyTorch).
* ``clip``/``clamp(x, min=None, max=None)``: bounds are scalars or tensors; the gradient
  passes where ``min <= x <= max``.
* ``maximum``/``minimum``: on ties the gradient is split evenly between the inputs.
* ``masked_fill(x, mask, value)``, ``isnan, isinf, isfinite``, ``nan_to_num``.
"""

from __future__ import annotations

from lucid.dtypes import Bool, default_float, result_type
from lucid.errors import ShapeError
from lucid.ops.arithmetic import Binary, as_tensor_pair, broadcast_shapes
from lucid.ops.creation import full
from lucid.ops.elementwise import Unary, as_tensor, where
from lucid.ops.registry import Op, apply, register
from lucid.spellings import original_keywords
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "floor", "ceil", "round", "trunc", "fix", "clip", "clamp", "maximum", "minimum",
    "masked_fill", "isnan", "isinf", "isfinite", "nan_to_num", "isposinf", "isneginf",
    "clamp_min", "clamp_max", "logaddexp", "hypot", "lerp",
]


class _ZeroGrad(Unary):
    """A piecewise-constant op: its gradient is zero wherever it exists."""

    save_inputs = ()

    def vjp(self, k, node, g):
        return k.zeros_like(g)


@register
class Floor(_ZeroGrad):
    """``y = floor(x)``, the largest integer <= x; ``dx = 0``."""

    name = "floor"


@register
class Ceil(_ZeroGrad):
    """``y = ceil(x)``, the smallest integer >= x; ``dx = 0``."""

    name = "ceil"


@register
class Trunc(_ZeroGrad):
    """``y = trunc(x)``, rounded toward zero; ``dx = 0``."""

    name = "trunc"


@register
class Round(_ZeroGrad):
    """``y = round(x * 10^d) / 10^d`` with halves to even (``round(2.5) = 2``); ``dx = 0``."""

    name = "round"


@register
class Clip(Op):
    """``y = min(max(x, low), high)`` for scalar bounds (``None``: unbounded);
    ``dx = dy`` where ``low <= x <= high``, else 0."""

    name = "clip"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        low, high = node.params["low"], node.params["high"]
        inside = None
        if low is not None:
            inside = k.ge(x, low)
        if high is not None:
            below = k.le(x, high)
            inside = below if inside is None else k.logical_and(inside, below)
        return k.where(inside, g, 0)


class _Extreme(Binary):
    """``maximum``/``minimum``: the winner gets ``dz``; on ties each input gets ``dz/2``."""

    pick = ""  # "gt" or "lt": when x wins
    save_inputs = (0, 1)
    save_input_dtypes = True

    def vjp(self, k, node, g):
        x, y = k.inputs(node)
        wins = getattr(k, self.pick)(x, y)
        share = k.where(k.eq(x, y), 0.5, k.astype(wins, dtype=node.in_dtype(0)))
        return (g * share if node.needs_grad[0] else None,
                g * (1 - share) if node.needs_grad[1] else None)


@register
class Maximum(_Extreme):
    """``z = max(x, y)`` elementwise (NaN propagates); ``dx = dz * [x > y] + dz/2 * [x == y]``."""

    name = "maximum"
    pick = "gt"


@register
class Minimum(_Extreme):
    """``z = min(x, y)`` elementwise (NaN propagates); ``dx = dz * [x < y] + dz/2 * [x == y]``."""

    name = "minimum"
    pick = "lt"


@register
class NanToNum(Op):
    """``y = x`` with NaN -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (``None``: the
    dtype's largest/smallest finite value); ``dx = dy * isfinite(x)``."""

    name = "nan_to_num"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        return k.where(k.isfinite(x), g, 0)


def _test_op(op_name: str, doc: str):
    register(type(op_name.title().replace("_", ""), (Op,),
                  {"name": op_name, "differentiable": False, "__doc__": doc}))


_test_op("isnan", "``y = (x != x)``: True where x is NaN (bool).")
_test_op("isinf", "``y = |x| == inf`` (bool).")
_test_op("isposinf", "``y = x == +inf`` (bool).")
_test_op("isneginf", "``y = x == -inf`` (bool).")
_test_op("isfinite", "``y``: True where x is neither NaN nor infinite (bool).")


@tensor_method("floor")
def floor(x) -> Tensor:
    """Elementwise floor (integer tensors are returned unchanged)."""
    return apply("floor", as_tensor(x))


@tensor_method("ceil")
def ceil(x) -> Tensor:
    """Elementwise ceiling."""
    return apply("ceil", as_tensor(x))


@tensor_method("trunc", "fix")
def trunc(x) -> Tensor:
    """Elementwise rounding toward zero."""
    return apply("trunc", as_tensor(x))


fix = trunc


@tensor_method("round")
def round(x, decimals: int = 0) -> Tensor:  # noqa: A001 - the NumPy/PyTorch name
    """Round to ``decimals`` places, halves to the even neighbour (PyTorch and NumPy).

    >>> lucid.round(lucid.tensor([0.5, 1.5, 2.5])).tolist()
    [0.0, 2.0, 2.0]
    """
    return apply("round", as_tensor(x), decimals=int(decimals))


def _bound_value(b):
    """A clamp bound as a Python number where possible (0-d tensors without grad, NumPy
    scalars), else the tensor itself."""
    if isinstance(b, Tensor):
        return b.item() if b.ndim == 0 and not b.requires_grad else b
    return b.item() if hasattr(b, "item") else b


@tensor_method("clip", "clamp")
def clip(x, min=None, max=None, *, a_min=None, a_max=None,  # noqa: A002
         **aliases) -> Tensor:
    """Limit ``x`` to ``[min, max]`` (either may be ``None``; scalars or tensors).

    ``clip(x, lo, hi) = minimum(maximum(x, lo), hi)`` (so ``max`` wins when ``min > max``);
    the gradient to ``x`` passes where ``lo <= x <= hi``, a tensor bound gets the
    gradient where it is the result. NumPy's ``a_min``/``a_max`` and the original Lucid's
    ``min_value``/``max_value`` are accepted too.

    >>> lucid.clamp(lucid.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0).tolist()
    [-1.0, 0.5, 1.0]
    """
    x = as_tensor(x)
    if aliases:
        kw = original_keywords("clip", aliases, {"min_value": "a_min", "max_value": "a_max"},
                               a_min=a_min if min is None else min,
                               a_max=a_max if max is None else max)
        a_min, a_max = kw["a_min"], kw["a_max"]
    low = _bound_value(min if a_min is None else a_min)
    high = _bound_value(max if a_max is None else a_max)
    if low is None and high is None:
        if aliases:  # the original's clip(x, min_value=None, max_value=None): unbounded
            return x.clone()
        raise ValueError("clamp: at least one of min and max must be given")
    if isinstance(low, Tensor) or isinstance(high, Tensor):
        return _clip_tensors(x, low, high)
    dtype = result_type(x, *[b for b in (low, high) if b is not None])
    if dtype != x.dtype:
        x = x.astype(dtype)
    cast = float if dtype.is_floating_point else int  # plain Python params for kernels
    low = None if low is None else cast(low)
    high = None if high is None else cast(high)
    return apply("clip", x, low=low, high=high)


clamp = clip


@tensor_method("clamp_min")
def clamp_min(x, min) -> Tensor:  # noqa: A002
    """``clamp(x, min=min)``."""
    return clip(x, min, None)


@tensor_method("clamp_max")
def clamp_max(x, max) -> Tensor:  # noqa: A002
    """``clamp(x, max=max)``."""
    return clip(x, None, max)


def _clip_tensors(x: Tensor, low, high) -> Tensor:
    out = x
    if low is not None:
        out, low = as_tensor_pair(out, low)
        out = where(out < low, low, out)
    if high is not None:
        out, high = as_tensor_pair(out, high)
        out = where(out > high, high, out)
    return out


@tensor_method("maximum")
def maximum(x, y) -> Tensor:
    """Elementwise maximum of ``x`` and ``y`` (broadcast, promoted; NaN propagates)."""
    return apply("maximum", *as_tensor_pair(x, y))


@tensor_method("minimum")
def minimum(x, y) -> Tensor:
    """Elementwise minimum of ``x`` and ``y`` (broadcast, promoted; NaN propagates)."""
    return apply("minimum", *as_tensor_pair(x, y))


@tensor_method("masked_fill")
def masked_fill(x, mask, value) -> Tensor:
    """``x`` with ``value`` (a scalar or 0-d tensor) wherever ``mask`` is True.

    ``mask`` broadcasts to ``x``'s shape; the result keeps ``x``'s dtype;
    ``dx = where(mask, 0, dy)``, and a 0-d tensor ``value`` gets the masked gradients.

    >>> lucid.tensor([1.0, 2.0, 3.0]).masked_fill(lucid.tensor([True, False, True]), 0.0).tolist()
    [0.0, 2.0, 0.0]
    """
    x = as_tensor(x)
    mask = as_tensor(mask)
    if broadcast_shapes("masked_fill", x.shape, mask.shape) != x.shape:
        raise ShapeError(f"masked_fill: mask of shape {mask.shape} does not broadcast to "
                         f"the tensor's shape {x.shape}")
    if mask.dtype != Bool:
        mask = mask.astype(Bool)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill: value must be a scalar or 0-d tensor, got shape "
                             f"{value.shape}")
        value = value if value.dtype == x.dtype else value.astype(x.dtype)
    else:
        value = full((), value, dtype=x.dtype, device=x.device)
    return where(mask, value, x)


@tensor_method("isnan")
def isnan(x) -> Tensor:
    """True where ``x`` is NaN."""
    return apply("isnan", as_tensor(x))


@tensor_method("isinf")
def isinf(x) -> Tensor:
    """True where ``x`` is +inf or -inf."""
    return apply("isinf", as_tensor(x))


@tensor_method("isposinf")
def isposinf(x) -> Tensor:
    """True where ``x`` is +inf."""
    return apply("isposinf", as_tensor(x))


@tensor_method("isneginf")
def isneginf(x) -> Tensor:
    """True where ``x`` is -inf."""
    return apply("isneginf", as_tensor(x))


@tensor_method("isfinite")
def isfinite(x) -> Tensor:
    """True where ``x`` is neither NaN nor infinite."""
    return apply("isfinite", as_tensor(x))


@tensor_method("nan_to_num")
def nan_to_num(x, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the
    dtype's largest/smallest finite value)."""
    x = as_tensor(x)
    if not x.dtype.is_floating_point:
        return x.clone()
    return apply("nan_to_num", x, nan=float(nan),
                 posinf=None if posinf is None else float(posinf),
                 neginf=None if neginf is None else float(neginf))


@tensor_method("logaddexp")
def logaddexp(x, y) -> Tensor:
    """``log(e^x + e^y)`` without overflow: ``max(x, y) + log1p(e^-|x - y|)``."""
    from lucid.ops.elementwise import exp, log1p

    x, y = as_tensor_pair(x, y)
    if not x.dtype.is_floating_point:
        x, y = x.astype(default_float), y.astype(default_float)
    m = maximum(x, y)
    diff = where(isnan(x - y), 0.0, -_abs(x - y))  # inf - inf: both infinite, equal
    return m + log1p(exp(diff))


@tensor_method("hypot")
def hypot(x, y) -> Tensor:
    """``sqrt(x^2 + y^2)`` elementwise."""
    from lucid.ops.elementwise import sqrt

    x, y = as_tensor_pair(x, y)
    return sqrt(x * x + y * y)


@tensor_method("lerp")
def lerp(start, end, weight) -> Tensor:
    """Linear interpolation ``start + weight * (end - start)`` (``weight`` a number or a
    tensor)."""
    return start + weight * (end - start)


def _abs(x: Tensor) -> Tensor:
    from lucid.ops.elementwise import abs as absolute

    return absolute(x)
