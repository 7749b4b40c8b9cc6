"""Triangles and diagonals: ``tril``, ``triu``, ``diag``, ``diagonal``.

* ``tril(x, k)``: ``y[..., i, j] = x[..., i, j]`` if ``j - i <= k`` else 0;
  ``dx = tril(dy, k)``. ``triu`` keeps ``j - i >= k``; ``dx = triu(dy, k)``.
* ``diagonal(x, offset, dim1, dim2)``: ``y[..., t] = x[..., t + max(-offset, 0),
  t + max(offset, 0)]`` over dims ``dim1, dim2``, which go and leave the diagonal last.
* ``diag(v, k)``: a vector becomes a square matrix with ``v`` on diagonal ``k``; a matrix
  gives its diagonal ``k``.

``diag``/``diagonal`` are ``getitem``/``getitem_grad`` with the diagonal's row and column
positions, so they are differentiable to any order.
"""

from __future__ import annotations

import numpy as np

from lucid.errors import ShapeError
from lucid.ops._args import normalize_axis
from lucid.ops._views import mark_view
from lucid.ops.indexing import getitem
from lucid.ops.registry import Op, apply, register
from lucid.ops.shape import movedim
from lucid.tensor import Tensor, tensor_method

__all__ = ["tril", "triu", "diag", "diagonal"]


class _Triangle(Op):
    save_inputs = ()

    def check(self, x, k):
        if x.ndim < 2:
            raise ShapeError(f"{self.name}: needs a tensor of at least 2 dims, got shape "
                             f"{x.shape}")

    def vjp(self, k, node, g):
        return getattr(k, self.name)(g, k=node.params["k"])


@register
class Tril(_Triangle):
    """``y[..., i, j] = x[..., i, j]`` where ``j - i <= k``, else 0; ``dx = tril(dy, k)``."""

    name = "tril"


@register
class Triu(_Triangle):
    """``y[..., i, j] = x[..., i, j]`` where ``j - i >= k``, else 0; ``dx = triu(dy, k)``."""

    name = "triu"


def _k(diagonal, k) -> int:
    return int(k if k is not None else diagonal)


@tensor_method("tril")
def tril(x: Tensor, diagonal: int = 0, *, k=None) -> Tensor:
    """Lower triangle of the last two dims: keep ``j - i <= diagonal`` (``k`` in NumPy)."""
    return apply("tril", x, k=_k(diagonal, k))


@tensor_method("triu")
def triu(x: Tensor, diagonal: int = 0, *, k=None) -> Tensor:
    """Upper triangle of the last two dims: keep ``j - i >= diagonal`` (``k`` in NumPy)."""
    return apply("triu", x, k=_k(diagonal, k))


def _diag_positions(rows: int, cols: int, offset: int):
    """Row and column positions of diagonal ``offset`` of a ``rows x cols`` matrix."""
    r0, c0 = max(-offset, 0), max(offset, 0)
    length = max(min(rows - r0, cols - c0), 0)
    t = np.arange(length)
    return t + r0, t + c0


@tensor_method("diagonal")
def diagonal(x: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1, *, axis1=None,
             axis2=None) -> Tensor:
    """The diagonal ``offset`` of the matrices spanned by ``dim1``/``dim2`` (``axis1``/
    ``axis2`` in NumPy): those dims are removed and the diagonal is appended last."""
    if x.ndim < 2:
        raise ShapeError(f"diagonal: needs a tensor of at least 2 dims, got shape {x.shape}")
    d1 = normalize_axis(dim1 if axis1 is None else axis1, x.ndim, "diagonal")
    d2 = normalize_axis(dim2 if axis2 is None else axis2, x.ndim, "diagonal")
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 are both {d1} (shape {x.shape})")
    x = movedim(x, (d1, d2), (-2, -1))
    rows, cols = _diag_positions(x.shape[-2], x.shape[-1], int(offset))
    index = (slice(None),) * (x.ndim - 2) + (rows, cols)
    out = getitem(x, index)  # a write-through view, as PyTorch's diagonal
    return mark_view(out, x, lambda v: apply("setitem", x, v, index=index))


@tensor_method("diag")
def diag(x: Tensor, diagonal: int = 0, *, k=None) -> Tensor:
    """1-d ``x``: the square matrix with ``x`` on diagonal ``diagonal`` (``k``), zeros
    elsewhere. 2-d ``x``: its diagonal ``diagonal`` as a 1-d tensor."""
    offset = _k(diagonal, k)
    if x.ndim == 2:
        rows, cols = _diag_positions(x.shape[0], x.shape[1], offset)
        return getitem(x, (rows, cols))
    if x.ndim != 1:
        raise ShapeError(f"diag: needs a 1-d or 2-d tensor, got shape {x.shape}")
    n = x.shape[0] + abs(offset)
    rows, cols = _diag_positions(n, n, offset)
    return apply("getitem_grad", x, index=(rows, cols), shape=(n, n))
