"""Repeating, rolling, flipping and slicing: ``tile``, ``repeat``, ``repeat_interleave``,
``roll``, ``flip``/``fliplr``/``flipud``, ``narrow``.

``repeat`` has two meanings, picked by the spelling of the call (DESIGN.md):

* NumPy ``lucid.repeat(x, repeats, axis=None)`` repeats each element:
  ``[a, b] -> [a, a, b, b]`` (``x.repeat(2, axis=0)`` too).
* PyTorch ``x.repeat(*sizes)`` repeats the whole tensor: ``[a, b] -> [a, b, a, b]``,
  which is ``tile``.

``tile`` and scalar ``repeat`` are a reshape, a broadcast and a reshape (their gradients
are the sums the broadcast's VJP makes); ``repeat`` with per-element counts reads ``x`` at
computed positions (``getitem``). ``roll`` is an op: ``dx = roll(dy, -shifts)``.
"""

from __future__ import annotations

import numpy as np

from lucid.errors import ShapeError
from lucid.ops._args import normalize_axes, normalize_axis
from lucid.ops.indexing import getitem
from lucid.ops.registry import Op, apply, register
from lucid.ops.shape import reshape
from lucid.tensor import Tensor, tensor_method

__all__ = ["tile", "repeat", "repeat_interleave", "roll", "flip", "fliplr", "flipud", "narrow"]


@tensor_method("tile")
def tile(x: Tensor, *reps) -> Tensor:
    """``x`` repeated ``reps[i]`` times along axis ``i``; shorter ``reps`` are padded with
    ones on the left, a shorter shape likewise (NumPy's and PyTorch's ``tile``)."""
    if len(reps) == 1 and isinstance(reps[0], (tuple, list)):
        reps = reps[0]
    reps = tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}")
    ndim = max(len(reps), x.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + x.shape
    if all(r == 1 for r in reps):
        return reshape(x, shape)
    spread = tuple(v for n in shape for v in (1, n))
    wide = tuple(v for r, n in zip(reps, shape) for v in (r, n))
    out = reshape(x, spread).broadcast_to(wide)
    return reshape(out, tuple(r * n for r, n in zip(reps, shape)))


def _repeat_elements(x: Tensor, repeats, axis, op: str) -> Tensor:
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    a = normalize_axis(axis, x.ndim, op)
    n = x.shape[a]
    if isinstance(repeats, Tensor):
        repeats = repeats.numpy()
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(f"{op}: repeats must be non-negative integers, got {repeats!r}")
    if counts.ndim == 0 or counts.shape == (1,):
        r = int(counts.reshape(-1)[0])
        spread = x.shape[:a + 1] + (1,) + x.shape[a + 1:]
        wide = x.shape[:a + 1] + (r,) + x.shape[a + 1:]
        out = reshape(x, spread).broadcast_to(wide)
        return reshape(out, x.shape[:a] + (n * r,) + x.shape[a + 1:])
    if counts.shape != (n,):
        raise ShapeError(f"{op}: {counts.shape[0]} repeat counts for axis {a} of size {n} "
                         f"(shape {x.shape})")
    return getitem(x, (slice(None),) * a + (np.repeat(np.arange(n), counts),))


def repeat(x: Tensor, repeats, axis=None) -> Tensor:
    """NumPy's ``repeat``: each element ``repeats`` times (an int, or one count per
    element) along ``axis`` (``None``: ``x`` flattened first)."""
    return _repeat_elements(x, repeats, axis, "repeat")


@tensor_method("repeat")
def _repeat_method(x: Tensor, *sizes, axis=None) -> Tensor:
    """``x.repeat(*sizes)``: PyTorch's (``tile``; ``len(sizes) >= x.ndim``).
    ``x.repeat(r, axis=a)`` is NumPy's element repeat."""
    if axis is not None:
        if len(sizes) != 1:
            raise ValueError("repeat: with axis=, give one repeats argument")
        return _repeat_elements(x, sizes[0], axis, "repeat")
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if len(sizes) < x.ndim:
        raise ShapeError(f"repeat: {len(sizes)} repeat sizes {sizes} for a tensor of "
                         f"{x.ndim} dims (shape {x.shape}); give at least one per dim")
    return tile(x, sizes)


@tensor_method("repeat_interleave")
def repeat_interleave(x: Tensor, repeats, dim=None, *, output_size=None) -> Tensor:
    """PyTorch's ``repeat_interleave``: NumPy's ``repeat`` (``dim=None`` flattens)."""
    return _repeat_elements(x, repeats, dim, "repeat_interleave")


@register
class Roll(Op):
    """``y[(i + s) mod n] = x[i]`` along each axis in ``axes`` by ``shifts``;
    ``dx = roll(dy, -shifts)``."""

    name = "roll"

    def vjp(self, node, g):
        back = tuple(-s for s in node.params["shifts"])
        return apply("roll", g, shifts=back, axes=node.params["axes"])


def _ints(v) -> tuple[int, ...]:
    if isinstance(v, Tensor):
        v = v.tolist()
    return (int(v),) if np.ndim(v) == 0 else tuple(int(a) for a in v)


@tensor_method("roll")
def roll(x: Tensor, shifts=None, dims=None, *, shift=None, axis=None) -> Tensor:
    """Shift elements cyclically: ``roll([a, b, c], 1) = [c, a, b]``. ``shifts``/``dims``
    (PyTorch) or ``shift``/``axis`` (NumPy): ints or equal-length tuples; without dims the
    tensor is rolled as if flat."""
    shifts = shift if shifts is None else shifts
    dims = axis if dims is None else dims
    if shifts is None:
        raise TypeError("roll: missing shifts")
    shifts = _ints(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ValueError(f"roll: {len(shifts)} shifts need as many dims")
        return reshape(roll(x.reshape(-1), shifts, 0), x.shape)
    dims = _ints(dims)
    if len(dims) != len(shifts):
        if len(shifts) == 1:
            shifts = shifts * len(dims)
        else:
            raise ValueError(f"roll: shifts {shifts} and dims {dims} differ in length")
    axes = tuple(normalize_axis(d, x.ndim, "roll") for d in dims)
    return apply("roll", x, shifts=shifts, axes=axes)


@tensor_method("flip")
def flip(x: Tensor, *dims, axis=None) -> Tensor:
    """Reverse the order of elements along ``dims`` (all dims when none are given, as
    NumPy's ``flip``); ``lucid.flip(x, (0, 1))``, ``x.flip(0)``."""
    if len(dims) == 1:
        dims = dims[0]
    elif not dims:
        dims = axis
    axes = normalize_axes(dims, x.ndim, "flip")
    if axes is None:
        axes = tuple(range(x.ndim))
    if not axes:
        return x
    rev = slice(None, None, -1)
    return getitem(x, tuple(rev if i in axes else slice(None) for i in range(max(axes) + 1)))


@tensor_method("fliplr")
def fliplr(x: Tensor) -> Tensor:
    """Reverse axis 1 (left/right)."""
    if x.ndim < 2:
        raise ShapeError(f"fliplr: needs at least 2 dims, got shape {x.shape}")
    return flip(x, 1)


@tensor_method("flipud")
def flipud(x: Tensor) -> Tensor:
    """Reverse axis 0 (up/down)."""
    if x.ndim < 1:
        raise ShapeError(f"flipud: needs at least 1 dim, got shape {x.shape}")
    return flip(x, 0)


@tensor_method("narrow")
def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``x`` restricted to ``start .. start + length - 1`` along ``dim`` (a slice)."""
    d = normalize_axis(dim, x.ndim, "narrow")
    n = x.shape[d]
    start = int(start)
    if start < 0:
        start += n
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise IndexError(f"narrow: start {start} and length {length} do not fit in dim {dim} "
                         f"of size {n} (shape {x.shape})")
    return getitem(x, (slice(None),) * d + (slice(start, start + int(length)),))
