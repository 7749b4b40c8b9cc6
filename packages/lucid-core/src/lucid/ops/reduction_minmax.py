"""Extremes over axes: ``max, min, amax, amin, argmax, argmin``.

Two conventions (DESIGN.md), picked by the spelling of the call:

* ``lucid.max(x)``, ``lucid.max(x, 1)``, ``lucid.max(x, axis=1)``, ``x.max()``,
  ``x.max(axis=1)``, ``amax``: the values. Their gradient is split evenly among tied
  maxima (PyTorch's ``amax``/``max()`` rule).
* ``x.max(1)``, ``x.max(dim=1)``, ``lucid.max(x, dim=1)``: a named tuple
  ``(values, indices)``; the gradient goes to the element at ``indices``.

``lucid.max(x, y)`` / ``x.max(y)`` with a tensor ``y`` is :func:`maximum`.
"""

from __future__ import annotations

from collections import namedtuple

from lucid.dtypes import Int64
from lucid.ops.reduction import expand_reduced, keepdims_shape, reduce_args
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["max", "min", "amax", "amin", "argmax", "argmin", "ValuesIndices"]

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])
ValuesIndices.__doc__ = "``(values, indices)``, as ``x.max(dim)`` returns (PyTorch)."


class _Extreme(Op):
    """``y = max/min_{axes} x``;
    ``dx = dy / k`` at the ``k`` elements equal to ``y``, 0 elsewhere."""

    save_inputs = (0,)
    save_output = True
    save_input_dtypes = True

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        axes, keep = node.params["axis"], node.params["keepdims"]
        shape = node.in_shapes[0]
        hit = k.eq(x, expand_reduced(k, k.output(node), shape, axes, keep))
        count = k.sum(k.astype(hit, dtype=node.in_dtype(0)), axis=axes, keepdims=True)
        share = k.div(expand_reduced(k, g, shape, axes, keep), count)
        return k.where(hit, share, 0)


@register
class Amax(_Extreme):
    __doc__ = _Extreme.__doc__.replace("max/min", "max")
    name = "amax"


@register
class Amin(_Extreme):
    __doc__ = _Extreme.__doc__.replace("max/min", "min")
    name = "amin"


class _ExtremeDim(Op):
    """``values, indices = max/min of x along axis``; ``dx = dy`` at ``indices``, else 0:
    ``dx = scatter(0, indices, dy)`` along ``axis``."""

    n_outputs = 2
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g, _g_indices):
        axis, keep = node.params["axis"], node.params["keepdims"]
        shape = tuple(node.in_shapes[0])
        indices = k.output(node, 1)
        if not keep:
            kept = keepdims_shape(shape, (axis,))
            indices, g = k.reshape(indices, shape=kept), k.reshape(g, shape=kept)
        zeros = k.broadcast_to(k.zeros_like(g), shape=shape)
        return k.scatter(zeros, indices, g, dim=axis)


@register
class MaxDim(_ExtremeDim):
    __doc__ = _ExtremeDim.__doc__.replace("max/min", "max")
    name = "max_dim"


@register
class MinDim(_ExtremeDim):
    __doc__ = _ExtremeDim.__doc__.replace("max/min", "min")
    name = "min_dim"


class _ArgExtreme(Op):
    differentiable = False


@register
class Argmax(_ArgExtreme):
    """The index of the (first) maximum along ``axis``, or of the flattened input."""

    name = "argmax"


@register
class Argmin(_ArgExtreme):
    """The index of the (first) minimum along ``axis``, or of the flattened input."""

    name = "argmin"


def _reduce(op: str, x: Tensor, axis, keepdims):
    axes, keep = reduce_args(x, axis, None, keepdims, False, op)
    if x.size == 0 and (axes is None or any(x.shape[a] == 0 for a in axes)):
        raise ValueError(f"{op}: cannot reduce over an empty dimension of shape {x.shape} "
                         f"(axis {axis}; no identity)")
    return apply(op, x, axis=axes, keepdims=keep)


def amax(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False) -> Tensor:
    """The maximum over ``axis`` (an int, a tuple or None for all); ties share the
    gradient evenly."""
    axis = axis if dim is None else dim
    return _reduce("amax", x, axis, keepdims or keepdim)


def amin(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False) -> Tensor:
    """The minimum over ``axis``; ties share the gradient evenly."""
    axis = axis if dim is None else dim
    return _reduce("amin", x, axis, keepdims or keepdim)


def _with_indices(op: str, x: Tensor, dim, keepdim) -> ValuesIndices:
    axes, keep = reduce_args(x, dim, None, keepdim, False, op)
    if x.ndim == 0:  # a 0-d tensor is its own extreme, at index 0
        x, axes, keep = x.reshape(1), (0,), False
    (axis,) = axes
    if x.shape and x.shape[axis] == 0:
        raise ValueError(f"{op}: cannot reduce over the empty dimension {axis} of shape "
                         f"{x.shape}")
    values, indices = apply(f"{op}_dim", x, axis=axis, keepdims=keep)
    return ValuesIndices(values, indices.detach())  # integer indices carry no gradient


def _pick(op: str, other_fn):
    """``lucid.max``/``lucid.min``: values (NumPy), ``(values, indices)`` with ``dim=``,
    the elementwise extreme with a tensor second argument."""

    def fn(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False):
        if isinstance(axis, Tensor):
            return other_fn()(x, axis)
        if dim is not None and isinstance(dim, int):
            return _with_indices(op, x, dim, keepdim or keepdims)
        return _reduce(f"a{op}", x, axis if dim is None else dim, keepdims or keepdim)

    fn.__name__ = op
    fn.__doc__ = (f"``lucid.{op}(x, axis=None, keepdims=False)``: the {op}imum values "
                  f"over ``axis``; ``lucid.{op}(x, dim=d)`` gives ``(values, indices)``; "
                  f"``lucid.{op}(x, y)`` is the elementwise {op}imum.")
    return fn


def _method(op: str, other_fn):
    """``x.max()``: a scalar; ``x.max(dim, keepdim)``: ``(values, indices)``."""

    def method(self, dim=None, keepdim=False, *, axis=None, keepdims=False):
        if isinstance(dim, Tensor):
            return other_fn()(self, dim)
        if axis is not None:
            return _reduce(f"a{op}", self, axis, keepdims or keepdim)
        if dim is None or not isinstance(dim, int):
            return _reduce(f"a{op}", self, dim, keepdims or keepdim)
        return _with_indices(op, self, dim, keepdim or keepdims)

    method.__name__ = op
    method.__doc__ = (f"``x.{op}()``: the {op}imum; ``x.{op}(dim, keepdim=False)``: "
                      f"``(values, indices)`` along ``dim``; ``x.{op}(other)``: elementwise.")
    return method


def _elementwise(name):
    def get():
        from lucid.ops import rounding_clamping

        return getattr(rounding_clamping, name)

    return get


max = _pick("max", _elementwise("maximum"))  # noqa: A001
min = _pick("min", _elementwise("minimum"))  # noqa: A001
Tensor.max = _method("max", _elementwise("maximum"))
Tensor.min = _method("min", _elementwise("minimum"))
Tensor.amax = amax
Tensor.amin = amin


def _arg(op: str):
    def fn(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False) -> Tensor:
        axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, op)
        if axes is not None and len(axes) != 1:
            raise ValueError(f"{op}: axis must be an int or None, got {axis}")
        if x.size == 0 and (axes is None or x.shape[axes[0]] == 0):
            raise ValueError(f"{op}: cannot take the {op} over an empty dimension of shape "
                             f"{x.shape} (axis {axis})")
        out = apply(op, x, axis=None if axes is None else axes[0], keepdims=keep)
        return out if out.dtype == Int64 else out.astype(Int64)

    fn.__name__ = op
    fn.__doc__ = (f"Index (int64) of the first {op[3:]}imum along ``axis``; over the "
                  "flattened tensor when ``axis`` is None.")
    return fn


argmax = _arg("argmax")
argmin = _arg("argmin")
Tensor.argmax = argmax
Tensor.argmin = argmin
