"""Indexing: ``x[index]`` and ``x[index] = value`` (basic, advanced and boolean).

``x[index]`` follows PyTorch (which is NumPy's rules except that an int next to an
advanced index selects first): ints, slices with any step, ``None``, ``...``, integer
lists/arrays/tensors (broadcast against each other) and boolean masks (their
``nonzero()``). The user's index is made canonical once by :mod:`lucid.ops._index`
(bounds checked there: a bad index raises IndexError naming the op, the index and the
shape), and the ops carry that canonical tuple as their ``index`` parameter.

Ops:

* ``getitem``: ``y = x[index]``; ``dx = getitem_grad(dy)``.
* ``getitem_grad``: ``y = zeros(shape)`` with ``y[index] += x`` (repeated indices add up);
  its VJP is ``getitem`` again, so second derivatives flow through both.
* ``setitem``: ``y = x`` with ``y[index] = v``; ``dx = dy`` with zeros at ``index``,
  ``dv = dy[index]`` (summed back to ``v``'s shape by the engine).

``x[index] = value`` computes ``setitem`` out of place and makes ``x`` become the result
(``Tensor._assign``): on a leaf that requires grad it raises in grad mode and works under
``lucid.no_grad()``. A basic-index result is a write-through view (``x[0][1] = 5`` and
``x[:, 0].zero_()`` change ``x``; see :mod:`lucid.ops._views`); an advanced-index result
is a copy, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from lucid.errors import ShapeError
from lucid.ops._index import basic_only, canonical_index, index_plan, result_shape
from lucid.ops._views import mark_view
from lucid.ops.creation import full
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["index_put"]


@register
class GetItem(Op):
    """``y = x[index]``; ``dx = zeros(x.shape)`` with ``dy`` added at ``index``."""

    name = "getitem"
    save_inputs = ()

    def vjp(self, k, node, g):
        return k.getitem_grad(g, index=node.params["index"], shape=tuple(node.in_shapes[0]))


@register
class GetItemGrad(Op):
    """``y = zeros(shape)``, then ``y[index] += x`` accumulating repeated indices
    (``np.add.at``); ``dx = dy[index]``."""

    name = "getitem_grad"
    save_inputs = ()

    def check(self, x, index, shape):
        want = result_shape(shape, index)
        if x.shape != want:
            raise ShapeError(f"getitem_grad: values of shape {x.shape} do not match the "
                             f"indexed shape {want} of shape {shape}")

    def vjp(self, k, node, g):
        return k.getitem(g, index=node.params["index"])


@register
class SetItem(Op):
    """``y = x`` except ``y[index] = v`` (``v`` broadcast);
    ``dx = dy`` with zeros at ``index``, ``dv = dy[index]``."""

    name = "setitem"
    save_inputs = ()

    def check(self, x, v, index):
        target = result_shape(x.shape, index)
        lead = len(target) - v.ndim
        if lead < 0 or any(n not in (1, m) for n, m in zip(v.shape, target[lead:])):
            raise ShapeError(f"setitem: value of shape {v.shape} cannot be broadcast to the "
                             f"indexed shape {target} (tensor shape {x.shape})")

    def vjp(self, k, node, g):
        index = node.params["index"]
        dx = k.setitem(g, 0, index=index) if node.needs_grad[0] else None
        dv = k.getitem(g, index=index) if node.needs_grad[1] else None
        return dx, dv


def _bool_scalar(index):
    """``True``/``False`` (Python, NumPy or a 0-d bool tensor) used as the whole index."""
    kind = type(index)
    if kind is int or kind is slice or kind is tuple:
        return None
    if isinstance(index, (bool, np.bool_)):
        return bool(index)
    if isinstance(index, Tensor) and index.ndim == 0 and index.dtype.kind == "b":
        return bool(index.item())
    return None


def getitem(x: Tensor, index) -> Tensor:
    """``x[index]`` with PyTorch's indexing rules (see the module docstring), as a new
    tensor (``Tensor.__getitem__`` also makes basic-index results write-through views)."""
    return _getitem(x, index)[0]


def _getitem(x: Tensor, index):
    """``(x[index], canonical index if it is basic else None)``."""
    flag = _bool_scalar(index)
    if flag is not None:  # x[True] adds a dim of size 1, x[False] one of size 0
        out = apply("getitem", x, index=(None,))
        return (out if flag else apply("getitem", out, index=(np.zeros(0, np.int64),))), None
    plan = index_plan(canonical_index(x.shape, index, "getitem"))
    out = x
    for stage in plan:
        out = apply("getitem", out, index=stage)
    return out, (plan[0] if len(plan) == 1 and basic_only(plan[0]) else None)


def _getitem_method(x: Tensor, index) -> Tensor:
    """``x[index]``; with a basic index (ints, slices, None, ...) the result is a view:
    writing into it writes into ``x`` (:mod:`lucid.ops._views`), as in PyTorch."""
    out, basic = _getitem(x, index)
    if basic is not None:
        mark_view(out, x, lambda v: apply("setitem", x, v, index=basic))
    return out


def _value_tensor(x: Tensor, value) -> Tensor:
    if not isinstance(value, Tensor):
        if np.ndim(value) == 0:
            return full((), value, dtype=x.dtype, device=x.device)
        return Tensor(np.asarray(value), dtype=x.dtype, device=x.device)
    return value if value.dtype == x.dtype else value.astype(x.dtype)


def _set(x: Tensor, index: tuple, value: Tensor) -> Tensor:
    target = result_shape(x.shape, index)
    if value.ndim > len(target):  # NumPy drops leading size-1 dims of the value
        lead = value.ndim - len(target)
        if any(n != 1 for n in value.shape[:lead]):
            raise ShapeError(f"setitem: value of shape {value.shape} cannot be broadcast to "
                             f"the indexed shape {target} (tensor shape {x.shape})")
        value = value.reshape(value.shape[lead:])
    return apply("setitem", x, value, index=index)


def index_put(x: Tensor, index, value, accumulate: bool = False) -> Tensor:
    """Out of place ``x[index] = value``: a new tensor equal to ``x`` except at ``index``,
    which holds ``value`` (broadcast, cast to ``x.dtype``). Differentiable in both.
    ``accumulate=True`` adds instead: ``x[index] += value``, repeated indices adding up."""
    value = _value_tensor(x, value)
    flag = _bool_scalar(index)
    if flag is not None:
        return _set(x, (), value) if flag else x
    plan = index_plan(canonical_index(x.shape, index, "setitem"))
    if accumulate:
        if len(plan) > 1:
            first, second = plan
            inner = index_put(apply("getitem", x, index=first), second, value, True)
            return _set(x, first, inner)
        target = result_shape(x.shape, plan[0])
        value = value.reshape(value.shape[max(value.ndim - len(target), 0):])
        placed = apply("getitem_grad", value.broadcast_to(target), index=plan[0],
                       shape=x.shape)
        return x + placed
    if len(plan) == 1:
        return _set(x, plan[0], value)
    first, second = plan  # ints first (PyTorch), then the advanced part
    inner = _set(apply("getitem", x, index=first), second, value)
    return _set(x, first, inner)


def _setitem_method(self: Tensor, index, value) -> None:
    self._assign(index_put(self, index, value))


def _index_put_method(self: Tensor, indices, values, accumulate: bool = False) -> Tensor:
    """``x.index_put_(indices, values, accumulate=False)``: in place :func:`index_put`."""
    return self._assign(index_put(self, tuple(indices), values, accumulate))


Tensor.index_put = lambda self, indices, values, accumulate=False: index_put(
    self, tuple(indices), values, accumulate)
Tensor.index_put_ = _index_put_method


Tensor.__getitem__ = _getitem_method
Tensor.__setitem__ = _setitem_method
