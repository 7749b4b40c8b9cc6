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

__all__ = ["tile", "repeat", "repeat_interleave", "roll", "flip", "fliplr", "flipud", "narrow",
           "select", "rot90"]


@tensor_method("tile")
def tile(x: Tensor, *reps, dims=None, **kwargs) -> Tensor:
    """``x`` repeated ``reps[i]`` times along axis ``i``; shorter ``reps`` are padded with
    ones on the left, a shorter shape likewise (NumPy's ``tile(x, reps)``, PyTorch's
    ``tile(x, dims)``)."""
    if "reps" in kwargs:
        dims = kwargs.pop("reps")
    if kwargs:
        raise TypeError(f"tile: unexpected arguments {sorted(kwargs)}")
    if dims is not None:
        reps = (dims,)
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
    save_inputs = ()

    def vjp(self, k, node, g):
        back = tuple(-s for s in node.params["shifts"])
        return k.roll(g, shifts=back, axes=node.params["axes"])


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
def flip(x: Tensor, *args, dims=None, axis=None) -> Tensor:
    """Reverse the order of elements along ``dims`` (all dims when none are given, as
    NumPy's ``flip``); ``lucid.flip(x, (0, 1))``, ``x.flip(0)``, ``flip(x, dims=[1])``."""
    if len(args) == 1:
        dims = args[0]
    elif args:
        dims = args
    elif dims is None:
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
    return x[(slice(None),) * d + (slice(start, start + int(length)),)]  # a view


@tensor_method("select")
def select(x: Tensor, dim: int, index: int) -> Tensor:
    """``x[..., index, ...]`` at dim ``dim``: that dim is removed."""
    d = normalize_axis(dim, x.ndim, "select")
    return x[(slice(None),) * d + (int(index),)]  # a view


@tensor_method("rot90")
def rot90(x: Tensor, k: int = 1, dims=(0, 1), *, axes=None) -> Tensor:
    """Rotate by ``k`` quarter turns in the plane of ``dims`` (``axes`` in NumPy), from the
    first dim towards the second: a flip and a transpose."""
    d0, d1 = (axes if axes is not None else dims)
    d0, d1 = normalize_axis(d0, x.ndim, "rot90"), normalize_axis(d1, x.ndim, "rot90")
    if d0 == d1:
        raise ValueError(f"rot90: dims must differ, got {dims}")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip(x, (d0, d1))
    axes_order = list(range(x.ndim))
    axes_order[d0], axes_order[d1] = axes_order[d1], axes_order[d0]
    if k == 1:
        return flip(x, d1).permute(*axes_order)
    return flip(x.permute(*axes_order), d1)


@tensor_method("unfold")
def unfold(x: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """PyTorch's ``Tensor.unfold``: every window of ``size`` elements along ``dimension``,
    ``step`` apart. That dim becomes the window count ``(n - size) // step + 1`` and a new
    last dim of ``size`` holds each window. Overlapping reads add up in the gradient."""
    d = normalize_axis(dimension, max(x.ndim, 1), "unfold") if x.ndim else 0
    if x.ndim == 0:
        x = x.reshape(1)
    n = x.shape[d]
    if size < 0 or size > n or step <= 0:
        raise ShapeError(f"unfold: window size {size} with step {step} does not fit dim "
                         f"{dimension} of size {n} (shape {x.shape})")
    starts = np.arange(0, n - size + 1, step)
    positions = starts[:, None] + np.arange(size)[None, :]
    windows = getitem(x, (slice(None),) * d + (positions,))
    from lucid.ops.shape import movedim

    return movedim(windows, d + 1, -1)
