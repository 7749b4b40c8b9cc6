"""Reductions: ``sum, mean, prod, any, all, count_nonzero``.

More reductions: ``var/std/logsumexp`` in ``reduction_stats.py``, ``max/min/argmax`` in
``reduction_minmax.py``, ``cumsum/cumprod`` in ``reduction_cumulative.py``.

Both spellings are accepted: ``axis=``/``keepdims=`` (NumPy) and ``dim=``/``keepdim=``
(PyTorch); they mean the same here. ``axis`` may be an int, a tuple of ints or ``None``
(every axis); kernels receive a sorted tuple of non-negative axes or ``None``.
"""

from __future__ import annotations

from lucid.dtypes import Bool, Int64, default_float
from lucid.ops._args import normalize_axes, pick_axis
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["sum", "mean", "prod", "any", "all", "count_nonzero"]


def keepdims_shape(shape, axes) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` (None: all) set to 1."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def expand_reduced(k, g, in_shape, axes, keepdims: bool):
    """Broadcast a reduction's gradient (or output) ``g`` back to the input shape, with
    the VJP interpreter ``k``."""
    in_shape = tuple(in_shape)
    if not keepdims:
        g = k.reshape(g, shape=keepdims_shape(in_shape, axes))
    return k.broadcast_to(g, shape=in_shape) if tuple(g.shape) != in_shape else g


def reduced_count(shape, axes) -> int:
    """How many elements each output element of a reduction over ``axes`` combines."""
    count = 1
    for i in (range(len(shape)) if axes is None else axes):
        count *= shape[i]
    return count


@register
class Sum(Op):
    """``y = sum_{axes} x``; ``dx = broadcast(dy)``."""

    name = "sum"
    save_inputs = ()

    def vjp(self, k, node, g):
        p = node.params
        return expand_reduced(k, g, node.in_shapes[0], p["axis"], p["keepdims"])


@register
class Prod(Op):
    """``y = prod_{axes} x``; ``dx_i = dy * prod_{j != i} x_j``.

    The product of the others is computed without dividing by zero: with no zero in
    the slice it is ``y / x_i``; with exactly one zero it is the product of the nonzero
    entries at the zero and 0 elsewhere; with two or more zeros it is 0 everywhere.
    """

    name = "prod"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        axes, keep = node.params["axis"], node.params["keepdims"]
        g = expand_reduced(k, g, node.in_shapes[0], axes, keep)
        is_zero = k.eq(x, 0)
        x_nz = k.where(is_zero, 1, x)
        p_nz = k.prod(x_nz, axis=axes, keepdims=True)
        n_zero = k.sum(k.astype(is_zero, dtype=Int64), axis=axes, keepdims=True)
        lone_zero = k.logical_and(is_zero, k.eq(n_zero, 1))
        others = k.where(k.eq(n_zero, 0), k.div(p_nz, x_nz), k.where(lone_zero, p_nz, 0))
        return g * others


class _Logical(Op):
    differentiable = False


@register
class Any(_Logical):
    """``y = OR_{axes} (x != 0)`` (bool); not differentiable."""

    name = "any"


@register
class All(_Logical):
    """``y = AND_{axes} (x != 0)`` (bool); not differentiable."""

    name = "all"


def reduce_args(x: Tensor, axis, dim, keepdims, keepdim, op: str):
    """Merge the two spellings: ``(sorted positive axes or None, keepdims)``. A 0-d
    tensor accepts axis 0 or -1 (as PyTorch) and is reduced as a whole."""
    axes = normalize_axes(pick_axis(axis, dim, op), x.ndim, op)
    return (None if x.ndim == 0 else axes), bool(keepdims or keepdim)


def accumulation_input(x: Tensor, dtype) -> Tensor:
    """``x`` in the dtype a sum/product accumulates in: ``dtype`` when given, else int64
    for bool and integer input (PyTorch's rule), else ``x``'s own."""
    if dtype is not None:
        return x.astype(dtype)
    if not x.dtype.is_floating_point and x.dtype != Int64:
        return x.astype(Int64)
    return x


@tensor_method("sum")
def sum(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False,  # noqa: A001
        dtype=None) -> Tensor:
    """Sum over ``axis`` (all axes when None). Bool and integer sums give int64."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "sum")
    return apply("sum", accumulation_input(x, dtype), axis=axes, keepdims=keep)


@tensor_method("mean")
def mean(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False,
         dtype=None) -> Tensor:
    """Arithmetic mean over ``axis``: ``sum(x) / n``."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "mean")
    if dtype is not None:
        x = x.astype(dtype)
    elif not x.dtype.is_floating_point:
        x = x.astype(default_float)
    return apply("sum", x, axis=axes, keepdims=keep) / reduced_count(x.shape, axes)


@tensor_method("prod")
def prod(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False,
         dtype=None) -> Tensor:
    """Product over ``axis`` (all axes when None). Bool and integer products give int64.

    The gradient is exact also when some entries are zero.

    >>> lucid.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(dim=1).tolist()
    [2.0, 12.0]
    """
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "prod")
    return apply("prod", accumulation_input(x, dtype), axis=axes, keepdims=keep)


@tensor_method("any")
def any(x: Tensor, axis=None, keepdims=False, *, dim=None,  # noqa: A001
        keepdim=False) -> Tensor:
    """True where any element over ``axis`` is nonzero (all axes when None)."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "any")
    return apply("any", x, axis=axes, keepdims=keep)


@tensor_method("all")
def all(x: Tensor, axis=None, keepdims=False, *, dim=None,  # noqa: A001
        keepdim=False) -> Tensor:
    """True where every element over ``axis`` is nonzero (all axes when None)."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "all")
    return apply("all", x, axis=axes, keepdims=keep)


@tensor_method("count_nonzero")
def count_nonzero(x: Tensor, axis=None, keepdims=False, *, dim=None,
                  keepdim=False) -> Tensor:
    """The number of nonzero elements over ``axis`` (int64)."""
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "count_nonzero")
    nonzero = x if x.dtype == Bool else x != 0
    return apply("sum", nonzero.astype(Int64), axis=axes, keepdims=keep)
