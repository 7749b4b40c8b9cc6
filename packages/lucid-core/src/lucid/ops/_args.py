"""Argument normalisation shared by the op functions (axis/dim spellings, shapes)."""

from __future__ import annotations

from lucid.errors import ShapeError


def shape_arg(shape) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` -> ``(2, 3)``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def pick_axis(axis, dim, op: str):
    """Merge the NumPy (``axis``) and PyTorch (``dim``) spellings of the same argument."""
    if axis is not None and dim is not None:
        raise ValueError(f"{op}: pass axis or dim, not both (axis={axis}, dim={dim})")
    return axis if dim is None else dim


def normalize_axes(axis, ndim: int, op: str):
    """``None`` -> None (all axes); an int or a sequence -> a sorted tuple of positive axes."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) or hasattr(axis, "__index__") else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ShapeError(f"{op}: axis {a} is out of range for a tensor of {ndim} dims")
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ShapeError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def normalize_axis(axis: int, ndim: int, op: str) -> int:
    return normalize_axes(int(axis), ndim, op)[0]
