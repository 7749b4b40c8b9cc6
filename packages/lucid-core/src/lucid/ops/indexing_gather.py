"""Gathering and scattering along a dim with an index tensor: ``gather``, ``scatter``,
``scatter_add`` (PyTorch), ``take_along_axis`` (NumPy), and the functions built on
indexing: ``index_select``, ``take``, ``masked_select``, ``index_add``, ``nonzero``.

For a 3-d ``x`` and ``dim = 1`` (the others alike)::

    gather:       out[i][j][k] = x[i][index[i][j][k]][k]
    scatter:      out = x;  out[i][index[i][j][k]][k] = src[i][j][k]
    scatter_add:  out = x;  out[i][index[i][j][k]][k] += src[i][j][k]

VJPs: ``gather`` -> ``scatter_add`` of ``dy`` into zeros; ``scatter_add`` ->
``dx = dy``, ``dsrc = gather(dy)``; ``scatter`` -> ``dx = dy`` with zeros where written,
``dsrc = gather(dy)``. The index tensor stays an input (no gradient) so it never leaves the
device except for the bounds check.
"""

from __future__ import annotations

import numpy as np

from lucid.dtypes import Int64
from lucid.errors import DTypeError, ShapeError
from lucid.ops._args import normalize_axis
from lucid.ops.creation import full
from lucid.ops.indexing import getitem, index_put
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "gather", "scatter", "scatter_add", "take_along_axis", "take_along_dim", "index_select",
    "take", "masked_select", "index_add", "index_copy", "index_fill", "nonzero", "argwhere",
]


class _AlongDim(Op):
    """Shared check: ``index`` has ``x``'s ndim and is no larger off ``dim``."""

    def check(self, x, index, *rest, dim):
        if index.ndim != x.ndim:
            raise ShapeError(f"{self.name}: index of shape {index.shape} must have as many "
                             f"dims as the tensor of shape {x.shape}")
        for d, (n, m) in enumerate(zip(index.shape, x.shape)):
            if d != dim and n > m:
                raise ShapeError(f"{self.name}: index of shape {index.shape} is larger than "
                                 f"the tensor of shape {x.shape} in dim {d}")
        if rest and any(n > m for n, m in zip(index.shape, rest[0].shape)):
            raise ShapeError(f"{self.name}: index of shape {index.shape} is larger than src "
                             f"of shape {rest[0].shape}")


@register
class Gather(_AlongDim):
    """``y = x[..., index, ...]`` elementwise along ``dim``;
    ``dx = scatter_add(zeros(x.shape), index, dy)``."""

    name = "gather"
    save_inputs = (1,)

    def vjp(self, k, node, g):
        index = k.inputs(node)[1]
        base = _zeros(k, g, tuple(node.in_shapes[0]))
        return k.scatter_add(base, index, g, dim=node.params["dim"]), None


@register
class ScatterAdd(_AlongDim):
    """``y = x`` then ``y[..., index, ...] += src``; ``dx = dy``, ``dsrc = gather(dy)``."""

    name = "scatter_add"
    save_inputs = (1,)

    def vjp(self, k, node, g):
        index = k.inputs(node)[1]
        dsrc = k.gather(g, index, dim=node.params["dim"]) if node.needs_grad[2] else None
        return g, None, dsrc


@register
class Scatter(_AlongDim):
    """``y = x`` then ``y[..., index, ...] = src``;
    ``dx = dy`` with zeros where written, ``dsrc = gather(dy)``."""

    name = "scatter"
    save_inputs = (1,)

    def vjp(self, k, node, g):
        index, dim = k.inputs(node)[1], node.params["dim"]
        dx = dsrc = None
        if node.needs_grad[0]:
            dx = k.scatter(g, index, _zeros(k, g, tuple(index.shape)), dim=dim)
        if node.needs_grad[2]:
            dsrc = k.gather(g, index, dim=dim)
        return dx, None, dsrc


def _zeros(k, like, shape):
    """Zeros of ``shape`` with ``like``'s dtype, device and backend, for a VJP (a creation
    op would not know the device): a 0-d zero broadcast to ``shape``."""
    zero = k.sum(k.zeros_like(like), axis=None, keepdims=False)
    return k.broadcast_to(zero, shape=shape)


@register
class Nonzero(Op):
    """``y[k] = (i0, i1, ...)``: the coordinates of the k-th nonzero element (row-major),
    shape ``(count, ndim)``, int64. Not differentiable."""

    name = "nonzero"
    differentiable = False


def _index_tensor(op: str, x: Tensor, index, dim: int | None) -> Tensor:
    """An int64 index tensor on ``x``'s device, bounds checked against ``x.shape[dim]``
    (``dim=None``: the element count), negative entries wrapped."""
    host, given = _index_host(op, x, index, dim)
    if given is not None:
        return given if given.dtype == Int64 else given.astype(Int64)
    return Tensor(host, device=x.device)


def _index_host(op: str, x: Tensor, index, dim: int | None):
    """``(host int64 array, the given tensor or None)``: ``index`` checked against
    ``x.shape[dim]`` and wrapped; the tensor is returned as given when it needed no
    change. A host index (list, array) is checked where it is, so it also works on devices
    without data (``meta``)."""
    if isinstance(index, Tensor):
        if index.dtype.kind not in "iu":
            raise DTypeError(f"{op}: index must be an integer tensor, not {index.dtype.name}")
        given, host = index, index.numpy()
    else:
        host = np.asarray(index) if not (isinstance(index, (list, tuple)) and
                                         len(index) == 0) else np.zeros(0, np.int64)
        if host.dtype.kind not in "iu":
            raise DTypeError(f"{op}: index must hold integers, not {host.dtype}")
        given, host = None, host.astype(np.int64)
    n = x.size if dim is None else x.shape[dim]
    if host.size:
        low, high = host.min(), host.max()
        if low < -n or high >= n:
            bad = host[(host < -n) | (host >= n)].reshape(-1)[0]
            where = "the flattened tensor" if dim is None else f"dim {dim}"
            raise IndexError(f"{op}: index {bad} is out of bounds for {where} of size {n} "
                             f"(tensor shape {x.shape}, index shape {host.shape})")
        if low < 0:
            given, host = None, np.where(host < 0, host + n, host).astype(np.int64)
    return host.astype(np.int64, copy=False), given


@tensor_method("gather")
def gather(x: Tensor, dim: int, index, *, sparse_grad: bool = False) -> Tensor:
    """PyTorch's ``gather``: ``out[i][j][k] = x[i][index[i][j][k]][k]`` for ``dim=1``.
    ``index`` has ``x``'s ndim and is no larger than ``x`` off ``dim``; ``out`` has
    ``index``'s shape."""
    d = normalize_axis(dim, max(x.ndim, 1), "gather") if x.ndim else 0
    index = _index_tensor("gather", x, index, d if x.ndim else None)
    if x.ndim == 0:
        return x.reshape(1)[index.reshape(-1)].reshape(index.shape)
    return apply("gather", x, index, dim=d)


def _src_tensor(x: Tensor, index: Tensor, src, op: str) -> Tensor:
    if not isinstance(src, Tensor):
        return full(index.shape, src, dtype=x.dtype, device=x.device)
    if src.dtype != x.dtype:
        src = src.astype(x.dtype)
    if src.shape != index.shape:  # PyTorch reads only src[:index.shape]
        if src.ndim != index.ndim:
            raise ShapeError(f"{op}: src of shape {src.shape} must have as many dims as "
                             f"index of shape {index.shape}")
        src = src[tuple(slice(0, n) for n in index.shape)]
    return src


def _scatter(op: str, x: Tensor, dim: int, index, src) -> Tensor:
    d = normalize_axis(dim, x.ndim, op)
    index = _index_tensor(op, x, index, d)
    return apply(op, x, index, _src_tensor(x, index, src, op), dim=d)


@tensor_method("scatter")
def scatter(x: Tensor, dim: int, index, src=None, *, value=None, reduce=None) -> Tensor:
    """Out of place ``x.scatter_(dim, index, src)``: ``out[i][index[i][j]] = src[i][j]``
    for ``dim=1`` (``src`` a tensor or a scalar ``value``). With repeated indices one of
    the written values wins. ``reduce="add"`` is :func:`scatter_add`."""
    src = value if src is None else src
    if reduce is not None:
        if reduce != "add":
            raise ValueError(f"scatter: reduce={reduce!r} is not supported (only 'add')")
        return scatter_add(x, dim, index, src)
    return _scatter("scatter", x, dim, index, src)


@tensor_method("scatter_add")
def scatter_add(x: Tensor, dim: int, index, src) -> Tensor:
    """Out of place ``x.scatter_add_(dim, index, src)``: ``out[i][index[i][j]] += src[i][j]``
    for ``dim=1``; repeated indices add up."""
    return _scatter("scatter_add", x, dim, index, src)


Tensor.scatter_ = lambda self, *a, **k: self._assign(scatter(self, *a, **k))
Tensor.scatter_add_ = lambda self, *a, **k: self._assign(scatter_add(self, *a, **k))


def take_along_axis(x: Tensor, indices, axis: int | None = -1) -> Tensor:
    """NumPy's ``take_along_axis``: ``gather`` where ``indices`` and ``x`` broadcast against
    each other off ``axis`` (``axis=None``: ``x`` flattened, ``indices`` 1-d)."""
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    d = normalize_axis(axis, x.ndim, "take_along_axis")
    indices = _index_tensor("take_along_axis", x, indices, d)
    if indices.ndim != x.ndim:
        raise ShapeError(f"take_along_axis: indices of shape {indices.shape} must have as "
                         f"many dims as the tensor of shape {x.shape}")
    from lucid.ops.arithmetic import broadcast_shapes

    off = broadcast_shapes("take_along_axis", tuple(1 if i == d else n
                                                    for i, n in enumerate(x.shape)),
                           tuple(1 if i == d else n for i, n in enumerate(indices.shape)))
    x = x.broadcast_to(off[:d] + (x.shape[d],) + off[d + 1:])
    indices = indices.broadcast_to(off[:d] + (indices.shape[d],) + off[d + 1:])
    return apply("gather", x, indices, dim=d)


@tensor_method("take_along_dim")
def take_along_dim(x: Tensor, indices, dim: int | None = None) -> Tensor:
    """PyTorch's ``take_along_dim``: :func:`take_along_axis` (``dim=None`` flattens)."""
    return take_along_axis(x, indices, dim)


@tensor_method("index_select")
def index_select(x: Tensor, dim: int, index) -> Tensor:
    """The slices of ``x`` along ``dim`` at the positions of the 1-d ``index``:
    ``out.shape[dim] = len(index)``."""
    d = normalize_axis(dim, x.ndim, "index_select")
    host, _ = _index_host("index_select", x, index, d)
    if host.ndim > 1:
        raise ShapeError(f"index_select: index must be 1-d, got shape {host.shape}")
    return getitem(x, (slice(None),) * d + (host.reshape(-1),))


@tensor_method("take")
def take(x: Tensor, index, axis: int | None = None) -> Tensor:
    """``x`` flattened, read at ``index`` (result shaped like ``index``; PyTorch's and
    NumPy's ``take``), or with ``axis`` the slices along it (NumPy)."""
    if axis is None:
        index = _index_tensor("take", x, index, None)
        return getitem(x.reshape(-1), index.numpy())
    d = normalize_axis(axis, x.ndim, "take")
    index = _index_tensor("take", x, index, d)
    return getitem(x, (slice(None),) * d + (index.numpy(),))


@tensor_method("masked_select")
def masked_select(x: Tensor, mask) -> Tensor:
    """The elements of ``x`` where ``mask`` (broadcast with ``x``) is true, as a 1-d tensor
    in row-major order."""
    from lucid.ops.arithmetic import broadcast_shapes

    if not isinstance(mask, Tensor):
        mask = Tensor(np.asarray(mask, dtype=bool), device=x.device)
    if mask.dtype.kind != "b":
        raise DTypeError(f"masked_select: mask must be bool, not {mask.dtype.name}")
    shape = broadcast_shapes("masked_select", x.shape, mask.shape)
    return getitem(x.broadcast_to(shape), mask.broadcast_to(shape))


@tensor_method("index_add")
def index_add(x: Tensor, dim: int, index, source: Tensor, *, alpha=1) -> Tensor:
    """Out of place ``x.index_add_(dim, index, source)``: ``out[..., index[j], ...] +=
    alpha * source[..., j, ...]`` along ``dim``; repeated indices add up."""
    d = normalize_axis(dim, x.ndim, "index_add")
    index = _index_tensor("index_add", x, index, d)
    if alpha != 1:
        source = source * alpha
    return index_put(x, (slice(None),) * d + (index.numpy().reshape(-1),), source,
                     accumulate=True)


Tensor.index_add_ = lambda self, *a, **k: self._assign(index_add(self, *a, **k))


@tensor_method("index_copy")
def index_copy(x: Tensor, dim: int, index, source: Tensor) -> Tensor:
    """Out of place ``x.index_copy_(dim, index, source)``: ``out[..., index[j], ...] =
    source[..., j, ...]`` along ``dim``."""
    d = normalize_axis(dim, x.ndim, "index_copy")
    index = _index_tensor("index_copy", x, index, d)
    return index_put(x, (slice(None),) * d + (index.numpy().reshape(-1),), source)


@tensor_method("index_fill")
def index_fill(x: Tensor, dim: int, index, value) -> Tensor:
    """Out of place ``x.index_fill_(dim, index, value)``: the slices at ``index`` along
    ``dim`` set to the scalar ``value``."""
    d = normalize_axis(dim, x.ndim, "index_fill")
    index = _index_tensor("index_fill", x, index, d)
    return index_put(x, (slice(None),) * d + (index.numpy().reshape(-1),), value)


Tensor.index_copy_ = lambda self, *a, **k: self._assign(index_copy(self, *a, **k))
Tensor.index_fill_ = lambda self, *a, **k: self._assign(index_fill(self, *a, **k))


@tensor_method("nonzero")
def nonzero(x: Tensor, *, as_tuple: bool = False):
    """PyTorch's ``nonzero``: the ``(count, ndim)`` int64 tensor of the coordinates of the
    nonzero elements; ``as_tuple=True`` gives one 1-d tensor per dim (NumPy's
    ``np.nonzero``)."""
    coords = apply("nonzero", x)
    if not as_tuple:
        return coords
    if x.ndim == 0:
        return (coords.reshape(-1),)
    return tuple(coords[:, i] for i in range(x.ndim))


@tensor_method("argwhere")
def argwhere(x: Tensor) -> Tensor:
    """NumPy's ``argwhere``: the ``(count, ndim)`` coordinates of the nonzero elements."""
    return apply("nonzero", x)
