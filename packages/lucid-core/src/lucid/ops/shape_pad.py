"""Padding: ``lucid.pad(x, pad_width, mode="constant", constant_values=0)`` with NumPy's
pad widths (``((before_0, after_0), (before_1, after_1), ...)``, one pair for every
axis, or one pair / one int for all axes).

Modes (NumPy name, PyTorch name in brackets), for ``x = [a b c d]`` padded by 2 each side:

* ``constant``: ``v v a b c d v v`` (the ``pad`` op);
* ``reflect`` (``reflect``): ``c b a b c d c b``, mirrored without repeating the edge;
* ``symmetric``: ``b a a b c d d c``, mirrored with the edge;
* ``edge`` (``replicate``): ``a a a b c d d d``;
* ``wrap`` (``circular``): ``c d a b c d a b``.

The op ``pad`` does constant padding: ``y = x`` framed by ``value``; ``dx = dy`` with
the frame sliced off. The other modes read ``x`` at computed positions along each axis
(one ``getitem`` per padded axis), so their gradient adds up every copy of an element.
Negative widths crop (what ``lucid.nn.functional.pad`` needs for negative padding).
"""

from __future__ import annotations

import numpy as np

from lucid.errors import ShapeError
from lucid.ops.indexing import getitem
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["pad"]

_MODES = {"constant": "constant", "reflect": "reflect", "symmetric": "symmetric",
          "edge": "edge", "replicate": "edge", "wrap": "wrap", "circular": "wrap"}


@register
class Pad(Op):
    """``y = x`` framed by ``value`` (``pad_width`` pairs per axis, all >= 0);
    ``dx = dy[b_0:b_0+n_0, b_1:b_1+n_1, ...]``."""

    name = "pad"
    save_inputs = ()

    def check(self, x, pad_width, value):
        if len(pad_width) != x.ndim:
            raise ShapeError(f"pad: {len(pad_width)} (before, after) pairs for a tensor of "
                             f"shape {x.shape}")

    def vjp(self, k, node, g):
        index = tuple(slice(b, b + n) for (b, _), n in zip(node.params["pad_width"],
                                                          node.in_shapes[0]))
        return k.getitem(g, index=index)


def _widths(pad_width, ndim: int) -> tuple[tuple[int, int], ...]:
    """NumPy's pad-width forms -> one ``(before, after)`` pair of ints per axis."""
    arr = np.asarray(pad_width.numpy() if isinstance(pad_width, Tensor) else pad_width)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"pad: pad widths must be integers, got {pad_width!r}")
    if arr.ndim == 0:
        arr = np.full((ndim, 2), int(arr))
    elif arr.shape == (1,):
        arr = np.full((ndim, 2), int(arr[0]))
    elif arr.shape == (2,):
        arr = np.tile(arr, (ndim, 1))
    elif arr.shape == (1, 2):
        arr = np.tile(arr, (ndim, 1))
    if arr.shape != (ndim, 2):
        raise ShapeError(f"pad: pad widths {pad_width!r} do not give a (before, after) pair "
                         f"for each of the {ndim} axes")
    return tuple((int(b), int(a)) for b, a in arr)


def _positions(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which element of an axis of size ``n`` each padded position reads."""
    j = np.arange(-before, n + after)
    if mode == "edge" or (mode == "reflect" and n == 1):
        return np.clip(j, 0, n - 1)
    if mode == "wrap":
        return j % n
    if mode == "reflect":
        period = 2 * (n - 1)
        j = j % period
        return np.where(j >= n, period - j, j)
    period = 2 * n  # symmetric
    j = j % period
    return np.where(j >= n, period - 1 - j, j)


def pad(x: Tensor, pad_width, mode: str = "constant", constant_values=0, **kwargs) -> Tensor:
    """Pad ``x`` (NumPy pad widths; see the module docstring for the modes).

    ``lucid.pad(x, ((1, 1), (2, 0)))`` gives shape ``(n0 + 2, n1 + 2)``;
    ``lucid.pad(x, 1, mode="reflect")`` pads every axis by 1 on each side.
    """
    if "value" in kwargs:
        constant_values = kwargs.pop("value")
    if kwargs:
        raise TypeError(f"pad: unexpected arguments {sorted(kwargs)}")
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    mode = _MODES[mode]
    widths = _widths(pad_width, x.ndim)
    if any(b < 0 or a < 0 for b, a in widths):  # negative widths crop first
        crop = tuple(slice(-min(b, 0), n + min(a, 0)) for (b, a), n in zip(widths, x.shape))
        if any(s.start > s.stop for s in crop):
            raise ShapeError(f"pad: negative widths {widths} crop more than shape {x.shape}")
        x = getitem(x, crop)
        widths = tuple((max(b, 0), max(a, 0)) for b, a in widths)
    if not any(b or a for b, a in widths):
        return x
    if mode == "constant":
        if isinstance(constant_values, Tensor):
            constant_values = constant_values.item()
        if not np.isscalar(constant_values):
            raise ValueError(f"pad: constant_values must be a scalar, got {constant_values!r}")
        return apply("pad", x, pad_width=widths, value=constant_values)
    for axis, ((b, a), n) in enumerate(zip(widths, x.shape)):
        if not (b or a):
            continue
        if n == 0:
            raise ShapeError(f"pad: cannot pad an empty axis {axis} (shape {x.shape}) in mode "
                             f"{mode!r}")
        x = _pad_axis(x, axis, b, a, mode)
    return x


def _pad_axis(x: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    """One axis padded: the frame pieces are slices of ``x`` (views, and a cheap gradient)
    joined by one ``concatenate``; widths beyond one reflection read computed positions."""
    n = x.shape[axis]
    lead = (slice(None),) * axis
    limit = {"reflect": n - 1, "symmetric": n, "wrap": n, "edge": max(before, after)}[mode]
    if before > limit or after > limit or (mode == "reflect" and n == 1):
        return getitem(x, lead + (_positions(n, before, after, mode),))

    def piece(start, stop, step, count):
        if not count:
            return None
        if mode == "edge":
            one = getitem(x, lead + (slice(start, start + 1),))
            shape = list(one.shape)
            shape[axis] = count
            return one.broadcast_to(tuple(shape))
        return getitem(x, lead + (slice(start, None if stop < 0 else stop, step),))

    if mode == "reflect":  # positions before..1 and n-2..n-1-after
        parts = [piece(before, 0, -1, before), x, piece(n - 2, n - 2 - after, -1, after)]
    elif mode == "symmetric":  # positions before-1..0 and n-1..n-after
        parts = [piece(before - 1, -1, -1, before), x, piece(n - 1, n - 1 - after, -1, after)]
    elif mode == "wrap":  # positions n-before..n-1 and 0..after-1
        parts = [piece(n - before, n, 1, before), x, piece(0, after, 1, after)]
    else:  # edge
        parts = [piece(0, 0, 1, before), x, piece(n - 1, 0, 1, after)]
    from lucid.ops.shape_join import concatenate

    return concatenate([p for p in parts if p is not None], axis=axis)
