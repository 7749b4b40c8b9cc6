"""Turning a user's index (``x[0, 1:, None, [2, 0], mask]``) into the canonical form that
the ``getitem``/``setitem`` ops carry as a parameter, and the shape it selects.

Canonical form: a tuple with one entry per indexed position, each entry one of

* an ``int`` in ``[0, n)`` (negative indices already wrapped),
* a ``slice`` of plain ints/None,
* ``None`` (a new axis of size 1),
* an ``np.ndarray`` of dtype int64 with values in ``[0, n)`` (an advanced index).

There is no Ellipsis (expanded into full slices) and no boolean mask (turned into the
integer arrays of its ``nonzero()``). The ops then index with NumPy semantics; every
backend can read this form without knowing what the user wrote.

PyTorch and NumPy disagree on one thing: an int next to an advanced index. NumPy counts
the int as an advanced index (``x[0, :, [1, 2]]`` has shape ``(2, n1)``); PyTorch selects
with the int first (shape ``(n1, 2)``). Lucid follows PyTorch: :func:`index_plan` splits
such an index into two stages, the ints first.

Index values are host data: index tensors are read back (``.numpy()``) once here, which
is also where bounds are checked, so no backend ever sees an out-of-range index.
"""

from __future__ import annotations

import operator

import numpy as np

_SLICE_ALL = slice(None)


def _fail(op: str, index, shape, why: str):
    raise IndexError(f"{op}: index {_show(index)} is invalid for a tensor of shape "
                     f"{tuple(shape)}: {why}")


def _show(index) -> str:
    def one(e):
        if isinstance(e, np.ndarray):
            return f"array({e.tolist()})" if e.size <= 8 else f"array(shape={e.shape})"
        if e is Ellipsis:
            return "..."
        return repr(e)

    if isinstance(index, tuple):
        return "(" + ", ".join(one(e) for e in index) + ("," if len(index) == 1 else "") + ")"
    return one(index)


def _entry(e, op: str, index, shape):
    """One user entry -> int, slice, None, Ellipsis, ('mask', bool array) or int array."""
    from lucid.tensor import Tensor

    if e is None or e is Ellipsis:
        return e
    if isinstance(e, (bool, np.bool_)):
        return ("bool", bool(e))
    if isinstance(e, int):
        return e
    if isinstance(e, slice):
        try:
            return slice(*(None if v is None else operator.index(v)
                           for v in (e.start, e.stop, e.step)))
        except TypeError:
            _fail(op, index, shape, f"slice {e} has non-integer bounds")
    if isinstance(e, Tensor):
        e = e.numpy()
    elif isinstance(e, (list, tuple, range)):
        e = np.asarray([v.item() if isinstance(v, Tensor) else v for v in e]
                       if any(isinstance(v, Tensor) for v in e) else e)
        if e.size == 0:
            e = e.astype(np.int64)
    elif isinstance(e, np.generic):
        e = np.asarray(e)
    elif not isinstance(e, np.ndarray):
        try:
            return operator.index(e)
        except TypeError:
            _fail(op, index, shape, f"unsupported index entry of type {type(e).__name__}")
    if e.dtype.kind == "b":
        return ("bool", bool(e)) if e.ndim == 0 else ("mask", e)
    if e.dtype.kind not in "iu":
        _fail(op, index, shape, f"index arrays must be integer or bool, not {e.dtype}")
    if e.ndim == 0:
        return int(e)
    return e


_PLAIN = (int, type(None))


def _fast(shape, raw):
    """The canonical form of an index of plain ints and int slices (the common case), or
    None when the index needs the full treatment."""
    if len(raw) > len(shape):
        return None
    out = []
    for e, n in zip(raw, shape):
        kind = type(e)
        if kind is int:
            if not -n <= e < n:
                return None
            out.append(e + n if e < 0 else e)
        elif kind is slice and type(e.start) in _PLAIN and type(e.stop) in _PLAIN \
                and type(e.step) in _PLAIN:
            out.append(e)
        else:
            return None
    return tuple(out)


def canonical_index(shape, index, op: str = "getitem") -> tuple:
    """The canonical tuple for ``x[index]`` on a tensor of ``shape`` (see module doc).
    Raises IndexError naming ``op``, the index and the shape."""
    raw = index if isinstance(index, tuple) else (index,)
    fast = _fast(shape, raw)
    if fast is not None:
        return fast
    entries = [_entry(e, op, index, shape) for e in raw]
    if any(isinstance(e, tuple) and e[0] == "bool" for e in entries):
        _fail(op, index, shape, "a boolean scalar can only be the whole index")

    def used(e):
        if e is None or e is Ellipsis:
            return 0
        if isinstance(e, tuple):
            return e[1].ndim
        return 1

    n_used = sum(used(e) for e in entries)
    n_ellipsis = sum(e is Ellipsis for e in entries)
    if n_ellipsis > 1:
        _fail(op, index, shape, "an index can only have a single ellipsis ('...')")
    if n_used > len(shape):
        _fail(op, index, shape, f"too many indices ({n_used}) for {len(shape)} dims")
    out: list = []
    d = 0
    for e in entries:
        if e is Ellipsis:
            fill = len(shape) - n_used
            out.extend([_SLICE_ALL] * fill)
            d += fill
        elif e is None:
            out.append(None)
        elif isinstance(e, int):
            n = shape[d]
            if not -n <= e < n:
                _fail(op, index, shape, f"index {e} is out of bounds for dim {d} of size {n}")
            out.append(e + n if e < 0 else e)
            d += 1
        elif isinstance(e, slice):
            out.append(e)
            d += 1
        elif isinstance(e, tuple):  # boolean mask over e[1].ndim dims
            mask = e[1]
            if mask.shape != tuple(shape[d:d + mask.ndim]):
                _fail(op, index, shape, f"boolean mask of shape {mask.shape} does not match "
                      f"dims {d}..{d + mask.ndim - 1} of shape {tuple(shape)}")
            out.extend(a.astype(np.int64, copy=False) for a in np.nonzero(mask))
            d += mask.ndim
        else:
            n = shape[d]
            if e.size and (e.min() < -n or e.max() >= n):
                bad = e[(e < -n) | (e >= n)].reshape(-1)[0]
                _fail(op, index, shape, f"index {bad} is out of bounds for dim {d} of size {n}")
            e = e.astype(np.int64, copy=False)
            if e.size and e.min() < 0:
                e = np.where(e < 0, e + n, e)
            out.append(e)
            d += 1
    arrays = [e.shape for e in out if isinstance(e, np.ndarray)]
    if len(arrays) > 1:
        try:
            np.broadcast_shapes(*arrays)
        except ValueError:
            _fail(op, index, shape, "index arrays of shapes "
                  f"{', '.join(map(str, arrays))} cannot be broadcast together")
    return tuple(out)


def has_arrays(index: tuple) -> bool:
    return any(isinstance(e, np.ndarray) for e in index)


def index_plan(index: tuple) -> list[tuple]:
    """One canonical index, or two (ints first) where ints meet advanced indices: PyTorch
    selects with ints before it applies advanced indices, NumPy does not."""
    if not has_arrays(index) or not any(isinstance(e, int) for e in index):
        return [index]
    first = tuple(e if isinstance(e, int) else _SLICE_ALL for e in index if e is not None)
    second = tuple(e for e in index if not isinstance(e, int))
    return [first, second]


def result_shape(shape, index: tuple) -> tuple[int, ...]:
    """The shape of ``x[index]`` (NumPy rules) for a canonical, single-stage ``index``."""
    out: list = []
    d = 0
    adv: list = []
    adv_at = None
    adjacent = True
    prev_adv = False
    for e in index:
        is_adv = isinstance(e, np.ndarray) or (isinstance(e, int) and has_arrays(index))
        if is_adv:
            adv.append(np.shape(e))
            if adv_at is None:
                adv_at = len(out)
            elif not prev_adv:
                adjacent = False
            d += 1
        elif e is None:
            out.append(1)
        elif isinstance(e, int):
            d += 1
        else:
            out.append(len(range(*e.indices(shape[d]))))
            d += 1
        prev_adv = is_adv
    out.extend(shape[d:])
    if adv:
        block = list(np.broadcast_shapes(*adv))
        out = out[:adv_at] + block + out[adv_at:] if adjacent else block + out
    return tuple(out)


def basic_only(index: tuple) -> bool:
    """True when ``index`` has no advanced entries (the result is a view in NumPy)."""
    return not has_arrays(index)
