"""Resampling: ``interpolate`` (nearest, nearest-exact, linear/bilinear/trilinear, area)
and the ``upsample*`` aliases.

Linear modes are separable: 1-D linear interpolation along each spatial axis in turn,
``y[i] = (1 - t_i) x[i0] + t_i x[i0 + 1]`` with the source position
``s = i (n_in - 1) / (n_out - 1)`` (``align_corners=True``) or
``s = max((i + 1/2) * scale - 1/2, 0)`` (``align_corners=False``), ``i0 = floor(s)``,
``t_i = s - i0``. Nearest: ``src = min(floor(i * scale), n_in - 1)``.
"""

from __future__ import annotations

import math

import lucid
from lucid.tensor import Tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _output_sizes(input: Tensor, size, scale_factor, nd: int):
    spatial = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: exactly one of size and scale_factor must be given")
    if size is not None:
        sizes = (size,) * nd if isinstance(size, int) else tuple(size)
        if len(sizes) != nd:
            raise ValueError(f"interpolate: size {size} must have {nd} entries for input "
                             f"of shape {input.shape}")
        return tuple(int(s) for s in sizes), None
    scales = (scale_factor,) * nd if isinstance(scale_factor, (int, float)) else \
        tuple(scale_factor)
    if len(scales) != nd:
        raise ValueError(f"interpolate: scale_factor {scale_factor} must have {nd} entries")
    return tuple(int(math.floor(n * s)) for n, s in zip(spatial, scales)), scales


def _scale(n_in: int, n_out: int, scale_factor) -> float:
    return 1.0 / scale_factor if scale_factor is not None else n_in / n_out


def _take(x: Tensor, axis: int, index: list[int]) -> Tensor:
    return lucid.index_select(x, axis, index)  # a host list: checked, then moved to x's device


def _nearest_axis(x: Tensor, axis: int, n_out: int, scale_factor, exact: bool) -> Tensor:
    n_in = x.shape[axis]
    scale = _scale(n_in, n_out, scale_factor)
    offset = 0.5 if exact else 0.0
    index = [min(int(math.floor((i + offset) * scale)), n_in - 1) for i in range(n_out)]
    return _take(x, axis, index)


def _linear_axis(x: Tensor, axis: int, n_out: int, scale_factor, align_corners: bool):
    n_in = x.shape[axis]
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = [i * step for i in range(n_out)]
    else:
        scale = _scale(n_in, n_out, scale_factor)
        src = [max((i + 0.5) * scale - 0.5, 0.0) for i in range(n_out)]
    low = [min(int(math.floor(s)), n_in - 1) for s in src]
    high = [min(i + 1, n_in - 1) for i in low]
    frac = [s - i for s, i in zip(src, low)]
    shape = [1] * x.ndim
    shape[axis] = n_out
    t = lucid.tensor(frac, dtype=x.dtype, device=x.device).reshape(shape)
    return _take(x, axis, low) * (1.0 - t) + _take(x, axis, high) * t


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of ``(N, C, *spatial)`` to ``size`` (or by
    ``scale_factor``) with ``mode``: ``nearest``, ``nearest-exact``, ``linear``
    (3-D input), ``bilinear`` (4-D), ``trilinear`` (5-D) or ``area``."""
    nd = input.ndim - 2
    if nd < 1:
        raise ValueError(f"interpolate: expected (N, C, *spatial) input, got {input.shape}")
    sizes, scales = _output_sizes(input, size, scale_factor, nd)
    if recompute_scale_factor:
        scales = None
    if mode in _LINEAR:
        if _LINEAR[mode] != nd:
            raise ValueError(f"interpolate: mode {mode!r} needs a {_LINEAR[mode] + 2}-D input, "
                             f"got shape {input.shape}")
        out = input
        for i, n in enumerate(sizes):
            out = _linear_axis(out, 2 + i, n, None if scales is None else scales[i],
                               bool(align_corners))
        return out
    if align_corners is not None:
        raise ValueError(f"interpolate: align_corners only applies to linear modes, not "
                         f"{mode!r}")
    if mode in ("nearest", "nearest-exact"):
        out = input
        for i, n in enumerate(sizes):
            out = _nearest_axis(out, 2 + i, n, None if scales is None else scales[i],
                                mode == "nearest-exact")
        return out
    if mode == "area":
        return getattr(lucid, f"adaptive_avg_pool{nd}d")(input, sizes)
    raise ValueError(f"interpolate: unsupported mode {mode!r}")


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)
