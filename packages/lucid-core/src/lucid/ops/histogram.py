"""Histograms: ``histogram``, ``histogram2d``, ``histogramdd`` (NumPy's and the original
Lucid's names and meanings) and PyTorch's ``histc``.

For ``bins = n`` over ``range = (lo, hi)`` the edges are ``linspace(lo, hi, n + 1)`` and
bin ``i`` holds ``e_i <= x < e_{i+1}`` (the last bin also ``x = hi``); values outside the
range, and NaN, are not counted. Without ``range`` it is ``(min x, max x)`` (widened to
``(v - 0.5, v + 0.5)`` when all values are ``v``). ``bins`` may also give the edges. In
``d`` dimensions a sample ``(x_1 .. x_d)`` falls in the bin of each coordinate; the count
array has shape ``(n_1, .., n_d)``.

``density=True`` divides by the total count and the bin volume, so the histogram
integrates to 1. ``weights`` (NumPy's and PyTorch's) adds ``w`` instead of 1 per sample.

Counting is a ``scatter_add`` of ones (or weights) at the flat bin index, so it runs on any
backend; the range needs the data's min and max on the host, as NumPy's does.

Return values: ``histogram`` gives ``(hist, edges)``; ``histogram2d`` and ``histogramdd``
give ``(hist, (edges_1, .., edges_d))`` (the original Lucid's pair; NumPy's
``histogram2d`` spreads the edges out: ``hist, (xe, ye) = lucid.histogram2d(x, y)``).
"""

from __future__ import annotations

import math

from lucid.errors import ShapeError
from lucid.tensor import Tensor

__all__ = ["histogram", "histogram2d", "histogramdd", "histc"]


def _float_dtype(x: Tensor):
    from lucid.dtypes import default_float

    return x.dtype if x.dtype.is_floating_point else default_float


def _auto_range(x: Tensor, rng, op: str) -> tuple[float, float]:
    if rng is None:
        if x.size == 0:
            lo, hi = 0.0, 1.0
        else:
            lo, hi = float(x.min().item()), float(x.max().item())
    else:
        lo, hi = float(rng[0]), float(rng[1])
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{op}: the range [{lo}, {hi}] is not finite (NaN or inf in the "
                         f"data: pass range=)")
    if lo > hi:
        raise ValueError(f"{op}: range must be (min, max) with min <= max, got ({lo}, {hi})")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _edges(x: Tensor, bins, rng, op: str) -> Tensor:
    from lucid.ops.creation_ranges import linspace

    dtype = _float_dtype(x)
    if isinstance(bins, Tensor) or isinstance(bins, (list, tuple)):
        edges = bins if isinstance(bins, Tensor) else Tensor(list(bins), device=x.device)
        edges = edges.astype(dtype)
        if edges.ndim != 1 or edges.shape[0] < 2:
            raise ShapeError(f"{op}: bin edges must be 1-D with at least 2 values, got shape "
                             f"{edges.shape}")
        if bool((edges[1:] < edges[:-1]).any().item()):
            raise ValueError(f"{op}: bin edges must increase monotonically")
        return edges
    bins = int(bins)
    if bins < 1:
        raise ValueError(f"{op}: bins must be a positive int, got {bins}")
    lo, hi = _auto_range(x, rng, op)
    return linspace(lo, hi, bins + 1, dtype=dtype, device=x.device)


def _bin_index(x: Tensor, edges: Tensor):
    """``(bin index clamped into range, inside-the-range mask)`` for each value of ``x``."""
    from lucid.ops.elementwise import where
    from lucid.ops.ordering import searchsorted
    from lucid.ops.rounding_clamping import clip

    n = edges.shape[0] - 1
    x = x.astype(edges.dtype)
    idx = searchsorted(edges, x, side="right") - 1
    idx = where(x == edges[n], n - 1, idx)  # the last bin is closed on the right
    inside = (idx >= 0) & (idx < n) & (x >= edges[0]) & (x <= edges[n])
    return clip(idx, 0, n - 1), inside


def _count(samples: Tensor, edges: list, weights, density: bool, op: str) -> Tensor:
    """``samples (N, d)`` counted into the bins of ``edges`` (one 1-D tensor per column)."""
    from lucid.ops.creation import zeros
    from lucid.ops.indexing_gather import scatter_add

    sizes = tuple(e.shape[0] - 1 for e in edges)
    flat, inside = None, None
    for d, e in enumerate(edges):
        idx, ok = _bin_index(samples[:, d], e)
        flat = idx if flat is None else flat * sizes[d] + idx
        inside = ok if inside is None else inside & ok
    if weights is not None:
        weights = weights if isinstance(weights, Tensor) else Tensor(weights)
        if weights.size != samples.shape[0]:
            raise ShapeError(f"{op}: weights of shape {weights.shape} do not match "
                             f"{samples.shape[0]} samples")
        dtype = weights.dtype if weights.dtype.is_floating_point else "int64"
        src = weights.reshape(-1).astype(dtype) * inside.astype(dtype)
    else:
        dtype = edges[0].dtype if density else "int64"
        src = inside.astype(dtype)
    hist = scatter_add(zeros(math.prod(sizes), dtype=dtype, device=samples.device), 0,
                       flat, src).reshape(sizes)
    if density:
        hist = hist.astype(edges[0].dtype)
        volume = None
        for d, e in enumerate(edges):
            shape = [1] * len(edges)
            shape[d] = sizes[d]
            width = (e[1:] - e[:-1]).reshape(tuple(shape))
            volume = width if volume is None else volume * width
        hist = hist / hist.sum() / volume
    return hist


def histogram(a: Tensor, bins=10, range=None, density: bool = False,  # noqa: A002
              weights=None):
    """NumPy's ``histogram`` of all values of ``a``: ``(hist, edges)`` (see the module
    docstring).

    >>> h, e = lucid.histogram(lucid.tensor([1.0, 2.0, 2.0, 4.0]), bins=3)
    >>> h.tolist(), e.tolist()
    ([1, 2, 1], [1.0, 2.0, 3.0, 4.0])
    """
    x = a.reshape(-1)
    edges = _edges(x, bins, range, "histogram")
    return _count(x.reshape(-1, 1), [edges], weights, density, "histogram"), edges


def histogramdd(a: Tensor, bins=10, range=None, density: bool = False,  # noqa: A002
                weights=None):
    """Samples ``a (..., d)`` (one per row) counted in ``d`` dimensions:
    ``(hist (n_1, .., n_d), (edges_1, .., edges_d))``. ``bins`` is an int, one per
    dimension, or edges per dimension; ``range`` one ``(lo, hi)`` per dimension."""
    if a.ndim < 1:
        raise ShapeError(f"histogramdd: samples must be (..., d), got shape {a.shape}")
    d = a.shape[-1]
    samples = a.reshape(-1, d)
    per_dim = bins if isinstance(bins, (list, tuple)) else [bins] * d
    ranges = range if range is not None else [None] * d
    if len(per_dim) != d or len(ranges) != d:
        raise ValueError(f"histogramdd: {d}-d samples need {d} bins and ranges, got bins="
                         f"{bins!r}, range={range!r}")
    edges = [_edges(samples[:, i], b, r, "histogramdd")
             for i, (b, r) in enumerate(zip(per_dim, ranges))]
    return _count(samples, edges, weights, density, "histogramdd"), tuple(edges)


def histogram2d(x: Tensor, y: Tensor, bins=10, range=None, density: bool = False,  # noqa: A002
                weights=None):
    """The 2-d histogram of the pairs ``(x_i, y_i)``: ``(hist (nx, ny), (x_edges,
    y_edges))``; ``hist[i, j]`` counts ``x`` in bin ``i`` and ``y`` in bin ``j``."""
    from lucid.ops.shape_join import stack

    if x.shape != y.shape:
        raise ShapeError(f"histogram2d: x and y must have one shape, got {x.shape} and "
                         f"{y.shape}")
    dtype = x.dtype if x.dtype.is_floating_point else _float_dtype(y)
    samples = stack([x.reshape(-1).astype(dtype), y.reshape(-1).astype(dtype)], axis=1)
    if isinstance(bins, (int, Tensor)) or (isinstance(bins, (list, tuple)) and bins
                                          and not isinstance(bins[0], (int, list, tuple,
                                                                       Tensor))):
        bins = [bins, bins]
    return histogramdd(samples, bins, range, density, weights)


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """PyTorch's ``histc``: counts (in ``input``'s dtype) of ``bins`` equal bins over
    ``[min, max]`` (both 0: the data's min and max)."""
    rng = None if min == 0 and max == 0 else (min, max)
    hist, _ = histogram(input, bins, rng)
    return hist.astype(_float_dtype(input))
