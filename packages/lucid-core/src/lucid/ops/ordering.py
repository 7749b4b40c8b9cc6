"""Ordering: ``sort, argsort, msort, topk, kthvalue, median, unique``.

Each op of this family computes *indices* only (``argsort``, ``argtopk``, ``argkthvalue``;
not differentiable); the values are ``gather(x, indices, dim)``, so their gradient is
``gather``'s: the output gradient scattered back to the positions the values came from.

Two spellings, two conventions (see DESIGN.md):

=====================================  ==================================================
NumPy spelling (values only)           PyTorch spelling (``(values, indices)``)
=====================================  ==================================================
``lucid.sort(x)``, ``lucid.sort(x, 0)``  ``x.sort()``, ``x.sort(0)``, ``lucid.sort(x, dim=0)``
``lucid.median(x, axis=0)``: mean of     ``x.median(0)``, ``lucid.median(x, dim=0)``: the
the two middle values when even          lower of the two middle values, with its index
=====================================  ==================================================

Sorting is always stable (equal values keep their order, also when descending);
NaN sorts as the largest value.
"""

from __future__ import annotations

from lucid.dtypes import Int64
from lucid.errors import ShapeError
from lucid.ops._args import normalize_axis, pick_axis
from lucid.ops.creation import zeros
from lucid.ops.reduction_minmax import ValuesIndices
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "unique", "searchsorted",
           "bucketize"]


class _Indices(Op):
    """An op whose output is int64 positions along ``axis``; not differentiable."""

    differentiable = False


@register
class Argsort(_Indices):
    """``y`` = the (stable) permutation that sorts ``x`` along ``axis``
    (``descending``: largest first, equal values still in their original order)."""

    name = "argsort"


@register
class ArgTopK(_Indices):
    """``y`` = positions of the ``k`` largest (``largest=False``: smallest) values along
    ``axis``, in sorted order."""

    name = "argtopk"

    def check(self, x, k, axis, largest):
        if not 0 <= k <= x.shape[axis]:
            raise ShapeError(f"topk: k={k} is out of range for dim {axis} of size "
                             f"{x.shape[axis]} (shape {x.shape})")


@register
class ArgKthValue(_Indices):
    """``y`` = position of the ``k``-th smallest value (1-based) along ``axis``; the axis
    is kept with size 1."""

    name = "argkthvalue"

    def check(self, x, k, axis):
        if not 1 <= k <= x.shape[axis]:
            raise ShapeError(f"kthvalue: k={k} is out of range for dim {axis} of size "
                             f"{x.shape[axis]} (shape {x.shape})")


@register
class Unique(Op):
    """``(values, inverse, counts)``: the sorted distinct values (of slices along ``dim``
    when given), for each input element (slice) the position of its value, and how often
    each value occurs. Not differentiable."""

    name = "unique"
    n_outputs = 3
    differentiable = False


@register
class SearchSorted(_Indices):
    """``y[..., j]`` = the insertion point of ``values[..., j]`` into the sorted last axis
    of ``seq`` (the first position with ``seq >= v``; ``right``: ``seq > v``); a 1-D
    ``seq`` serves every value, else ``seq.shape[:-1] == values.shape[:-1]``."""

    name = "searchsorted"

    def check(self, seq, values, right):
        if seq.ndim == 0 or (seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]):
            raise ShapeError(f"searchsorted: sorted_sequence of shape {seq.shape} needs to be "
                             f"1-D or to match the leading dims of values of shape "
                             f"{values.shape}")


def _axis(x: Tensor, axis, op: str) -> int:
    return normalize_axis(axis, max(x.ndim, 1), op)


def _sort(x: Tensor, axis: int, descending: bool, stable: bool) -> ValuesIndices:
    if x.ndim == 0:
        return ValuesIndices(x, zeros((), dtype=Int64, device=x.device))
    d = _axis(x, axis, "sort")
    idx = apply("argsort", x, axis=d, descending=bool(descending))
    return ValuesIndices(apply("gather", x, idx, dim=d), idx)


def sort(x: Tensor, axis=-1, descending: bool = False, stable: bool = False, *, dim=None,
         kind=None):
    """Sorted values along ``axis`` (NumPy: ``lucid.sort(x, axis)`` -> values) or, with
    ``dim=`` (PyTorch), ``(values, indices)``. ``descending`` puts the largest first;
    the sort is always stable (``stable``/``kind`` are accepted for compatibility)."""
    if dim is not None:
        return _sort(x, dim, descending, stable)
    return _sort(x, axis, descending, stable).values


@tensor_method("sort")
def _sort_method(x: Tensor, dim=-1, descending: bool = False, stable: bool = False, *,
                 axis=None) -> ValuesIndices:
    """``x.sort(dim=-1, descending=False)`` -> ``(values, indices)`` (PyTorch);
    ``x.sort(axis=...)`` -> values (NumPy spelling)."""
    if axis is not None:
        return _sort(x, axis, descending, stable).values
    return _sort(x, dim, descending, stable)


@tensor_method("argsort")
def argsort(x: Tensor, axis=-1, descending: bool = False, stable: bool = False, *,
            dim=None, kind=None) -> Tensor:
    """Indices (int64) that sort ``x`` along ``axis``/``dim``; stable."""
    return _sort(x, axis if dim is None else dim, descending, stable).indices


@tensor_method("msort")
def msort(x: Tensor) -> Tensor:
    """``sort`` along the first axis (values)."""
    return _sort(x, 0, False, True).values


@tensor_method("topk")
def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True,  # noqa: A002
         *, axis=None) -> ValuesIndices:
    """``(values, indices)`` of the ``k`` largest elements along ``dim`` (``largest=False``:
    smallest), always in sorted order (largest first / smallest first)."""
    d = _axis(x, dim if axis is None else axis, "topk")
    if x.ndim == 0:
        x = x.reshape(1)
        out = topk(x, k, 0, largest)
        return ValuesIndices(out.values.reshape(()), out.indices.reshape(()))
    idx = apply("argtopk", x, k=int(k), axis=d, largest=bool(largest))
    return ValuesIndices(apply("gather", x, idx, dim=d), idx)


def _kth(x: Tensor, k: int, d: int, keepdim: bool) -> ValuesIndices:
    idx = apply("argkthvalue", x, k=int(k), axis=d)
    values = apply("gather", x, idx, dim=d)
    if not keepdim:
        shape = x.shape[:d] + x.shape[d + 1:]
        values, idx = values.reshape(shape), idx.reshape(shape)
    return ValuesIndices(values, idx)


@tensor_method("kthvalue")
def kthvalue(x: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``(values, indices)`` of the ``k``-th smallest element (1-based) along ``dim``."""
    if x.ndim == 0:
        out = _kth(x.reshape(1), k, 0, False)
        return ValuesIndices(out.values.reshape(()), out.indices.reshape(()))
    return _kth(x, k, _axis(x, dim, "kthvalue"), keepdim)


def _lower_median(x: Tensor, dim, keepdim: bool):
    if dim is None:
        flat = x.reshape(-1)
        if flat.shape[0] == 0:
            raise ValueError("median: the input is empty")
        return _kth(flat, (flat.shape[0] + 1) // 2, 0, False).values
    if x.ndim == 0:
        return ValuesIndices(x, zeros((), dtype=Int64, device=x.device))
    d = _axis(x, dim, "median")
    if x.shape[d] == 0:
        raise ValueError(f"median: dim {d} of shape {x.shape} is empty")
    return _kth(x, (x.shape[d] + 1) // 2, d, keepdim)


def median(x: Tensor, axis=None, keepdims: bool = False, *, dim=None, keepdim: bool = False):
    """NumPy spelling ``lucid.median(x, axis=None, keepdims=False)``: the middle value,
    the mean of the two middle values for an even count (``np.median``).
    PyTorch spelling ``lucid.median(x, dim=d)``: ``(values, indices)`` of the *lower*
    middle value (``torch.median``)."""
    if dim is not None:
        return _lower_median(x, dim, keepdim)
    if axis is None:
        x, d = x.reshape(-1), 0
    else:
        d = _axis(x, axis, "median")
    n = x.shape[d]
    if n == 0:
        raise ValueError(f"median: cannot take the median of an empty axis (shape {x.shape})")
    lower = _kth(x, (n + 1) // 2, d, True).values
    value = lower if n % 2 else (lower + _kth(x, n // 2 + 1, d, True).values) / 2
    if keepdims and axis is None:
        return value.reshape((1,) * len(x.shape))
    return value if keepdims else value.reshape(value.shape[:d] + value.shape[d + 1:])


@tensor_method("median")
def _median_method(x: Tensor, dim=None, keepdim: bool = False):
    """``x.median()`` -> the lower median (a 0-d tensor); ``x.median(dim)`` ->
    ``(values, indices)`` (PyTorch)."""
    return _lower_median(x, dim, keepdim)


@tensor_method("unique")
def unique(x: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim=None, *, axis=None):
    """The distinct values of ``x`` in ascending order (flattened), or the distinct slices
    along ``dim``. With ``return_inverse`` also the index of each input element (slice)
    into the result (shape of ``x``, or ``(x.shape[dim],)``); with ``return_counts`` the
    number of occurrences of each. Not differentiable."""
    dim = pick_axis(axis, dim, "unique")
    if dim is not None:
        dim = _axis(x, dim, "unique")
    values, inverse, counts = apply("unique", x, dim=dim)
    if not return_inverse and not return_counts:
        return values
    out = (values,) + ((inverse,) if return_inverse else ()) + (
        (counts,) if return_counts else ())
    return out


def searchsorted(sorted_sequence: Tensor, values, *, right: bool = False, side=None,
                 out_int32: bool = False, sorter=None) -> Tensor:
    """Indices (int64) where ``values`` would be inserted into ``sorted_sequence`` (sorted
    along its last axis) to keep it sorted: ``seq[i-1] < v <= seq[i]`` (``right=True`` or
    ``side="right"``: ``seq[i-1] <= v < seq[i]``). ``sorter``: indices that sort an
    unsorted ``sorted_sequence``."""
    from lucid.dtypes import Int32, result_type
    from lucid.ops.arithmetic import as_tensor_pair

    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        right = side == "right"
    seq = sorted_sequence
    if sorter is not None:
        seq = apply("gather", seq, sorter if isinstance(sorter, Tensor) else Tensor(
            sorter, device=seq.device), dim=seq.ndim - 1)
    scalar = not isinstance(values, Tensor)
    if scalar:
        values = Tensor([values], device=seq.device)
    seq, values = as_tensor_pair(seq, values, result_type(seq, values))
    out = apply("searchsorted", seq, values, right=bool(right))
    if scalar:
        out = out.reshape(())
    return out.astype(Int32) if out_int32 else out


def bucketize(input: Tensor, boundaries: Tensor, *, right: bool = False,  # noqa: A002
              out_int32: bool = False) -> Tensor:
    """The bucket of each element of ``input`` given 1-D ascending ``boundaries``:
    ``i`` with ``boundaries[i-1] < x <= boundaries[i]`` (``right=True``:
    ``boundaries[i-1] <= x < boundaries[i]``)."""
    if boundaries.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-D, got shape {boundaries.shape}")
    return searchsorted(boundaries, input, right=right, out_int32=out_int32)
