"""Small helpers shared by the product, ordering and linear-algebra ops.

Constant matrices (identity, triangular masks, selection matrices) are built once on the
host and moved to the tensor's device; multiplying by them keeps every VJP a plain
composition of differentiable Lucid ops (so ``create_graph=True`` works), and no op
needs a slicing or diagonal primitive of its own.
"""

from __future__ import annotations

import functools
from collections import namedtuple

import numpy as np

from lucid.dtypes import DType, default_float
from lucid.errors import ShapeError
from lucid.tensor import Tensor


@functools.lru_cache(maxsize=256)
def _host_eye(rows: int, cols: int, offset: int = 0) -> np.ndarray:
    out = np.eye(rows, cols, offset)
    out.setflags(write=False)  # cached and shared: never written
    return out


@functools.lru_cache(maxsize=256)
def _host_tril(n: int, offset: int, diag: float) -> np.ndarray:
    mask = np.tril(np.ones((n, n)), offset)
    if offset >= 0:
        mask[np.arange(n), np.arange(n)] = diag
    mask.setflags(write=False)
    return mask


def constant(array: np.ndarray, like: Tensor, dtype: DType | None = None) -> Tensor:
    """A constant tensor (no history) with ``like``'s dtype and device."""
    return Tensor(array, dtype=dtype or like.dtype, device=like.device)


def eye(rows: int, like: Tensor, cols: int | None = None, offset: int = 0) -> Tensor:
    """Identity (or ``eye(rows, cols)[:, offset:]``-style rectangular identity) like ``like``."""
    return constant(_host_eye(rows, rows if cols is None else cols, offset), like)


def tril_mask(n: int, like: Tensor, offset: int = 0, diag: float = 1.0) -> Tensor:
    """``tril(ones(n, n), offset)`` with the diagonal set to ``diag`` (when kept)."""
    return constant(_host_tril(n, offset, diag), like)


def select_columns(n: int, start: int, stop: int, like: Tensor) -> Tensor:
    """``E`` of shape ``(n, stop - start)`` with ``X @ E == X[..., :, start:stop]``."""
    return constant(_host_eye(n, n)[:, start:stop].copy(), like)


def diag_embed(v: Tensor) -> Tensor:
    """``(..., k) -> (..., k, k)`` with ``v`` on the diagonal."""
    k = v.shape[-1]
    return v.reshape(v.shape[:-1] + (1, k)) * eye(k, v)


def diagonal(m: Tensor) -> Tensor:
    """``(..., k, k) -> (..., k)``: the main diagonal."""
    return (m * eye(m.shape[-1], m)).sum(axis=-1)


def float_input(x: Tensor) -> Tensor:
    """Integer and bool inputs of float-only ops become the default float dtype."""
    return x if x.dtype.is_floating_point else x.astype(default_float)


def require_matrix(op: str, x: Tensor, square: bool = False) -> None:
    """ShapeError naming ``op`` unless ``x`` is a (batch of) (square) matrix."""
    if x.ndim < 2:
        raise ShapeError(f"{op}: expected a matrix or a batch of matrices (at least 2 "
                         f"dims), got shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ShapeError(f"{op}: expected square matrices, got shape {x.shape} "
                         f"({x.shape[-2]} x {x.shape[-1]})")


def return_type(name: str, fields: str):
    """A named tuple type like ``torch.return_types.<name>``."""
    return namedtuple(name, fields)
