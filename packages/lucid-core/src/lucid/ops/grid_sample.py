"""Spatial transformers: ``affine_grid``, ``grid_sample`` and ``rotate`` (an affine warp).

``grid_sample(input, grid)`` reads ``input (N, C, *S)`` (``S = (H, W)`` or ``(D, H, W)``)
at the points of ``grid (N, *S_out, k)``, whose last axis holds normalised coordinates
``(x, y[, z])`` in ``[-1, 1]`` (``x`` runs along the last axis ``W``). A coordinate
``c`` maps to the pixel position

    align_corners=True:   p = (c + 1) / 2 * (size - 1)      (-1, 1 are the corner pixels' centres)
    align_corners=False:  p = ((c + 1) * size - 1) / 2      (-1, 1 are the corner pixels' edges)

``padding_mode`` says what lies outside: ``"zeros"`` (zero), ``"border"`` (``p`` clamped to
``[0, size - 1]``) or ``"reflection"`` (``p`` mirrored at the border, then clamped).
``mode="bilinear"`` (trilinear for 5-D input) mixes the ``2^k`` neighbours with weights
``prod_d (1 - |p_d - q_d|)``; ``mode="nearest"`` takes the neighbour at ``round(p)``
(half to even, as PyTorch).

Everything is composed from differentiable ops (``gather``, arithmetic, ``clip``, ``where``),
so the gradients follow from theirs: to ``input`` a scatter-add of ``w * dy``; to ``grid``
``sum (dy * value) * dw/dp * dp/dc``, which is zero for ``"nearest"`` and, as in PyTorch,
zero where a coordinate was clamped. A NaN coordinate gives NaN (PyTorch's result there
depends on the mode and padding).

``affine_grid(theta, size)`` is the grid of ``theta @ (x, y[, z], 1)`` over the output
pixels' normalised coordinates: ``linspace(-1, 1, n)`` with ``align_corners=True``,
``(2 i + 1) / n - 1`` otherwise.

Defaults follow PyTorch (``align_corners=False``); the original Lucid defaulted to ``True``.
"""

from __future__ import annotations

import itertools
import math

from lucid.errors import ShapeError
from lucid.tensor import Tensor

# exported by lucid.nn.functional (F.affine_grid, F.grid_sample, F.rotate), not at the top
__all__: list[str] = []

_MODES = ("bilinear", "nearest")
_PADDING = ("zeros", "border", "reflection")


def _base_coords(n: int, align_corners: bool, like: Tensor) -> Tensor:
    from lucid.ops.creation_ranges import arange

    i = arange(n, dtype=like.dtype, device=like.device)
    if align_corners:
        return i * (2.0 / (n - 1)) - 1.0 if n > 1 else i * 0.0
    return (2.0 * i + 1.0) / n - 1.0


def affine_grid(theta: Tensor, size, align_corners: bool = False) -> Tensor:
    """The sampling grid ``(N, *S, k)`` of the affine maps ``theta`` (``(N, 2, 3)`` for
    ``size = (N, C, H, W)``, ``(N, 3, 4)`` for ``(N, C, D, H, W)``): for each output pixel
    ``theta @ (x, y[, z], 1)``.

    >>> g = affine_grid(lucid.tensor([[[1.0, 0, 0], [0, 1, 0]]]), (1, 1, 2, 2), True)
    >>> g[0, 0, 0].tolist()   # the top-left pixel sits at (-1, -1)
    [-1.0, -1.0]
    """
    from lucid.ops.shape import reshape
    from lucid.ops.shape_join import meshgrid, stack

    size = tuple(int(s) for s in size)
    k = len(size) - 2
    if k not in (2, 3) or theta.ndim != 3 or theta.shape[1:] != (k, k + 1):
        raise ShapeError(f"affine_grid: theta of shape (N, 2, 3) goes with size (N, C, H, W) "
                         f"and (N, 3, 4) with (N, C, D, H, W); got theta {theta.shape} and "
                         f"size {size}")
    if theta.shape[0] != size[0]:
        raise ShapeError(f"affine_grid: theta has {theta.shape[0]} maps, size asks for "
                         f"{size[0]} (theta {theta.shape}, size {size})")
    if not theta.dtype.is_floating_point:
        theta = theta.astype("float32")
    spatial = size[2:]
    axes = [_base_coords(n, align_corners, theta) for n in spatial]  # (D,) H, W
    grids = meshgrid(*axes, indexing="ij")
    ones = grids[0] * 0.0 + 1.0
    base = stack(list(reversed(grids)) + [ones], axis=-1)            # (*S, k + 1): x, y, [z], 1
    flat = reshape(base, (1, math.prod(spatial), k + 1))
    out = flat @ theta.swapaxes(1, 2)                                 # (N, prod S, k)
    return reshape(out, (size[0],) + spatial + (k,))


def _source_position(c: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Normalised coordinate -> pixel position along one axis, padding applied."""
    from lucid.ops.rounding_clamping import clip

    p = (c + 1.0) * ((size - 1) / 2.0) if align_corners else ((c + 1.0) * size - 1.0) / 2.0
    if padding_mode == "border":
        return clip(p, 0.0, float(size - 1))
    if padding_mode == "reflection":
        p = _reflect(p, 0.0, size - 1.0) if align_corners else _reflect(p, -0.5, size - 0.5)
        return clip(p, 0.0, float(size - 1))
    return p


def _reflect(p: Tensor, low: float, high: float) -> Tensor:
    """``p`` mirrored into ``[low, high]`` as often as needed (a zero span gives ``low``)."""
    from lucid.ops.arithmetic import remainder
    from lucid.ops.elementwise import abs as abs_
    from lucid.ops.elementwise import where
    from lucid.ops.rounding_clamping import floor

    span = high - low
    if span <= 0:
        return p * 0.0 + low
    d = abs_(p - low)
    extra = remainder(d, span)
    even = remainder(floor(d.detach() / span), 2.0) == 0
    return where(even, extra + low, (span - extra) + low)


def _check(input: Tensor, grid: Tensor, mode: str, padding_mode: str) -> int:  # noqa: A002
    if mode not in _MODES:
        raise ValueError(f"grid_sample: mode must be one of {_MODES}, got {mode!r}")
    if padding_mode not in _PADDING:
        raise ValueError(f"grid_sample: padding_mode must be one of {_PADDING}, got "
                         f"{padding_mode!r}")
    k = input.ndim - 2
    if k not in (2, 3) or grid.ndim != input.ndim or grid.shape[-1] != k \
            or grid.shape[0] != input.shape[0]:
        raise ShapeError(f"grid_sample: input (N, C, H, W) goes with grid (N, H_out, W_out, 2) "
                         f"and (N, C, D, H, W) with (N, D_out, H_out, W_out, 3); got input "
                         f"{input.shape} and grid {grid.shape}")
    if not input.dtype.is_floating_point:
        from lucid.errors import DTypeError

        raise DTypeError(f"grid_sample: input must be floating point, got {input.dtype}")
    return k


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """``out[n, c, *o] = input[n, c]`` read at ``grid[n, *o]`` (see the module docstring):
    ``(N, C, *S) x (N, *S_out, k) -> (N, C, *S_out)``."""
    from lucid.ops.rounding_clamping import floor
    from lucid.ops.rounding_clamping import round as round_
    from lucid.ops.shape import reshape

    k = _check(input, grid, mode, padding_mode)
    align_corners = bool(align_corners)
    n, ch = input.shape[:2]
    spatial = input.shape[2:]
    out_spatial = grid.shape[1:-1]
    m = math.prod(out_spatial)
    grid = grid.astype(input.dtype) if grid.dtype != input.dtype else grid
    flat = reshape(input, (n, ch, math.prod(spatial)))
    g = reshape(grid, (n, m, k))
    # positions per input axis (D,) H, W; the grid's last axis lists them as x, y, (z)
    pos = [_source_position(g[:, :, k - 1 - d], spatial[d], padding_mode, align_corners)
           for d in range(k)]
    if mode == "nearest":
        rounded = [round_(p) for p in pos]
        corners = [[r.detach()] for r in rounded]
        # weight 1 whose derivative is round's (0): grid gets PyTorch's zero gradient
        weights = [[r - r.detach() + 1.0] for r in rounded]
    else:
        lows = [floor(p.detach()) for p in pos]
        corners = [[lo, lo + 1.0] for lo in lows]
        fracs = [p - lo for p, lo in zip(pos, lows)]
        weights = [[1.0 - f, f] for f in fracs]
    out = None
    for choice in itertools.product(*[range(len(c)) for c in corners]):
        q = [corners[d][i] for d, i in enumerate(choice)]
        value = _read(flat, q, spatial, ch)
        w = _inside(q, spatial)
        for d, i in enumerate(choice):
            w = w * weights[d][i]
        term = value * reshape(w, (n, 1, m))
        out = term if out is None else out + term
    return reshape(out, (n, ch) + tuple(out_spatial))


def _inside(q, spatial) -> Tensor:
    """1.0 where the integer position ``q`` lies inside the input, else 0.0."""
    inside = None
    for p, size in zip(q, spatial):
        ok = (p >= 0) & (p <= size - 1)
        inside = ok if inside is None else inside & ok
    return inside.astype(q[0].dtype)


def _read(flat: Tensor, q, spatial, ch: int) -> Tensor:
    """``flat (N, C, prod S)`` at the integer positions ``q`` (clamped in range):
    ``(N, C, M)``."""
    from lucid.ops.elementwise import where
    from lucid.ops.indexing_gather import gather
    from lucid.ops.rounding_clamping import clip
    from lucid.ops.shape import broadcast_to, reshape

    index = None
    for p, size in zip(q, spatial):
        i = clip(p, 0.0, float(size - 1))
        i = where(i == i, i, 0.0)  # a NaN position reads pixel 0; its NaN weight wins
        index = i if index is None else index * size + i
    index = index.astype("int64")
    n, m = index.shape
    index = broadcast_to(reshape(index, (n, 1, m)), (n, ch, m))
    return gather(flat, 2, index)


def rotate(input: Tensor, angle, center=None, mode: str = "bilinear",  # noqa: A002
           padding_mode: str = "zeros") -> Tensor:
    """``input (N, C, H, W)`` (or ``(C, H, W)``) turned ``angle`` degrees counter-clockwise
    about ``center`` (``(x, y)`` in pixels, default the image centre), the same size;
    points from outside are zero. ``angle`` may list one angle per sample. The original
    Lucid's ``F.rotate``; the same warp as torchvision's ``rotate`` on tensors
    (``expand=False``, ``fill=None``).

    Output pixel ``(u, v)`` (relative to the centre) reads the input at
    ``R(-angle) (u, v)``: ``x = cos a u - sin a v``, ``y = sin a u + cos a v`` (y down).
    """
    single = input.ndim == 3
    x = input.reshape((1,) + input.shape) if single else input
    if x.ndim != 4:
        raise ShapeError(f"rotate: expects (N, C, H, W) or (C, H, W), got {input.shape}")
    h, w = x.shape[2:]
    angles = [angle] * x.shape[0] if isinstance(angle, (int, float)) else list(angle)
    if len(angles) != x.shape[0]:
        raise ShapeError(f"rotate: {len(angles)} angles for a batch of {x.shape[0]}")
    c = (0.0, 0.0) if center is None else (center[0] - w * 0.5, center[1] - h * 0.5)
    theta = Tensor([_rotation_theta(a, c, h, w) for a in angles], dtype=x.dtype,
                   device=x.device)
    grid = affine_grid(theta, x.shape, align_corners=False)
    out = grid_sample(x, grid, mode=mode, padding_mode=padding_mode, align_corners=False)
    return out.reshape(input.shape) if single else out


def _rotation_theta(angle: float, center, h: int, w: int) -> list:
    """``affine_grid``'s theta of a turn by ``angle`` degrees about ``center`` (pixels from
    the image centre)."""
    cx, cy = center
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    # the inverse map in centred pixels (y down): p = M u + t, M = [[cos, -sin], [sin, cos]]
    m = [cos, -sin, 0.0, sin, cos, 0.0]
    m[2] = m[0] * -cx + m[1] * -cy + cx
    m[5] = m[3] * -cx + m[4] * -cy + cy
    # centred pixels -> normalised coordinates (align_corners=False: u = x_norm * w / 2)
    return [[m[0], m[1] * h / w, 2.0 * m[2] / w], [m[3] * w / h, m[4], 2.0 * m[5] / h]]
