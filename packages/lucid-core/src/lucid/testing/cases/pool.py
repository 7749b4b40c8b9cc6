"""Cases of the pooling ops (max/avg/adaptive pooling, their scatter/gather adjoints) and
of ``unfold``/``fold``. References loop over output positions with plain NumPy."""

import math

import numpy as np

import lucid
from lucid.testing.case import case


def _starts(count, stride, pad):
    return [i * stride - pad for i in range(count)]


def _count(n, lo, hi, k, s, d, ceil_mode):
    span = n + lo + hi - d * (k - 1) - 1
    c = (-(-span // s) if ceil_mode else span // s) + 1
    return c - 1 if ceil_mode and (c - 1) * s >= n + lo else c


def ref_max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    """Loop over output positions; window elements outside the input are skipped."""
    spatial = x.shape[2:]
    counts = [_count(n, lo, hi, k, s, d, ceil_mode) for n, (lo, hi), k, s, d
              in zip(spatial, padding, kernel_size, stride, dilation)]
    values = np.zeros(x.shape[:2] + tuple(counts))
    index = np.zeros(x.shape[:2] + tuple(counts), dtype=np.int64)
    for n, c in np.ndindex(*x.shape[:2]):
        for pos in np.ndindex(*counts):
            best, arg = -np.inf, -1
            for tap in np.ndindex(*kernel_size):
                q = [p * s - lo + t * d for p, s, (lo, _), t, d
                     in zip(pos, stride, padding, tap, dilation)]
                if all(0 <= qi < m for qi, m in zip(q, spatial)) and x[(n, c) + tuple(q)] > best:
                    best, arg = x[(n, c) + tuple(q)], int(np.ravel_multi_index(q, spatial))
            values[(n, c) + pos], index[(n, c) + pos] = best, arg
    return values, index


def ref_avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                 divisor_override):
    spatial = x.shape[2:]
    counts = [_count(n, lo, hi, k, s, 1, ceil_mode) for n, (lo, hi), k, s
              in zip(spatial, padding, kernel_size, stride)]
    out = np.zeros(x.shape[:2] + tuple(counts))
    for pos in np.ndindex(*counts):
        lo_in, hi_in, size_pad = [], [], 1
        for p, s, (lo, hi), k, n in zip(pos, stride, padding, kernel_size, spatial):
            start = p * s - lo
            end = min(start + k, n + hi)
            size_pad *= end - start
            lo_in.append(max(start, 0))
            hi_in.append(min(end, n))
        block = x[(Ellipsis,) + tuple(slice(a, b) for a, b in zip(lo_in, hi_in))]
        inner = math.prod(b - a for a, b in zip(lo_in, hi_in))
        div = divisor_override or (size_pad if count_include_pad else inner)
        out[(Ellipsis,) + pos] = block.reshape(block.shape[:2] + (-1,)).sum(-1) / div
    return out


def _randn(*shape):
    # distinct values so the argmax (and its gradient) is unambiguous
    return lambda rng: [rng.permutation(math.prod(shape)).reshape(shape) * 0.1
                        + rng.uniform(0, 0.01, shape)]


def _mp(k, s, p, d, ceil=False):
    return dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)


case("max_pool", _randn(2, 2, 5, 6), ref_max_pool, name="2d",
     params=_mp((2, 2), (2, 2), ((0, 0), (0, 0)), (1, 1)))
case("max_pool", _randn(1, 2, 7, 6), ref_max_pool, name="2d-pad-dilation-ceil",
     params=_mp((3, 2), (2, 1), ((1, 1), (1, 1)), (2, 1), True))
case("max_pool", _randn(2, 2, 9), ref_max_pool, name="1d-overlap",
     params=_mp((3,), (1,), ((1, 1),), (1,)))
case("max_pool", _randn(1, 2, 4, 5, 4), ref_max_pool, name="3d-ceil",
     params=_mp((2, 2, 2), (2, 2, 2), ((0, 0), (1, 1), (0, 0)), (1, 1, 1), True))


def _ap(k, s, p, ceil=False, include=True, div=None):
    return dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=include,
                divisor_override=div)


case("avg_pool", lambda rng: [rng.standard_normal((2, 2, 5, 6))], ref_avg_pool, name="2d",
     params=_ap((2, 3), (2, 2), ((1, 1), (1, 1))))
case("avg_pool", lambda rng: [rng.standard_normal((1, 2, 7, 5))], ref_avg_pool,
     name="2d-ceil-exclude-pad", params=_ap((3, 3), (2, 2), ((1, 1), (1, 1)), True, False))
case("avg_pool", lambda rng: [rng.standard_normal((2, 2, 8))], ref_avg_pool,
     name="1d-divisor", params=_ap((3,), (2,), ((1, 1),), True, True, 2))
case("avg_pool", lambda rng: [rng.standard_normal((1, 1, 4, 5, 3))], ref_avg_pool,
     name="3d", params=_ap((2, 2, 2), (1, 2, 1), ((0, 0), (1, 1), (1, 1)), False, False))


def ref_avg_pool_transpose(g, spatial, **p):
    """The adjoint via the matrix of ``avg_pool`` built column by column."""
    n = math.prod(spatial)
    out = np.zeros(g.shape[:2] + tuple(spatial))
    for j in range(n):
        e = np.zeros((1, 1, n))
        e[0, 0, j] = 1
        col = ref_avg_pool(e.reshape((1, 1) + tuple(spatial)), **p)  # A[:, j]
        out.reshape(g.shape[:2] + (n,))[..., j] = np.einsum("ncl,l->nc", g.reshape(
            g.shape[:2] + (-1,)), col.reshape(-1))
    return out


case("avg_pool_transpose", lambda rng: [rng.standard_normal((2, 2, 3, 3))],
     ref_avg_pool_transpose, params=dict(spatial=(5, 6), **_ap((2, 3), (2, 2),
                                                               ((1, 1), (1, 1)))))
case("avg_pool_transpose", lambda rng: [rng.standard_normal((1, 2, 4, 3))],
     ref_avg_pool_transpose, name="ceil-exclude-pad",
     params=dict(spatial=(7, 5), **_ap((3, 3), (2, 2), ((1, 1), (1, 1)), True, False)))


def _scatter_inputs(rng):
    g = rng.standard_normal((2, 3, 4))
    idx = rng.integers(0, 6, (2, 3, 4))
    return [g, idx]


def ref_pool_scatter(g, idx, spatial):
    out = np.zeros(g.shape[:2] + (math.prod(spatial),))
    for n, c, j in np.ndindex(*g.shape):
        out[n, c, idx[n, c, j]] += g[n, c, j]
    return out.reshape(g.shape[:2] + tuple(spatial))


case("pool_scatter", _scatter_inputs, ref_pool_scatter, params={"spatial": (2, 3)})
case("pool_gather", lambda rng: [rng.standard_normal((2, 3, 2, 3)),
                                 rng.integers(0, 6, (2, 3, 4))],
     lambda x, idx: np.take_along_axis(x.reshape(2, 3, 6), idx, axis=2))


def ref_adaptive_max(x, output_size):
    spatial = x.shape[2:]
    values = np.zeros(x.shape[:2] + tuple(output_size))
    index = np.zeros(x.shape[:2] + tuple(output_size), dtype=np.int64)
    for n, c in np.ndindex(*x.shape[:2]):
        for pos in np.ndindex(*output_size):
            ranges = [range((i * s) // o, -((-(i + 1) * s) // o))
                      for i, s, o in zip(pos, spatial, output_size)]
            cells = [q for q in np.ndindex(*[len(r) for r in ranges])]
            coords = [tuple(r[j] for r, j in zip(ranges, q)) for q in cells]
            vals = [x[(n, c) + q] for q in coords]
            k = int(np.argmax(vals))
            values[(n, c) + pos] = vals[k]
            index[(n, c) + pos] = np.ravel_multi_index(coords[k], spatial)
    return values, index


case("adaptive_max_pool", _randn(2, 2, 5, 7), ref_adaptive_max, name="2d",
     params={"output_size": (3, 4)})
case("adaptive_max_pool", _randn(1, 2, 7), ref_adaptive_max, name="1d",
     params={"output_size": (3,)})
case("adaptive_max_pool", _randn(1, 1, 3, 4, 5), ref_adaptive_max, name="3d",
     params={"output_size": (2, 3, 2)})
case("adaptive_max_pool", _randn(1, 2, 5, 7), ref_adaptive_max, name="public-2d",
     params={"output_size": (2, 3)},
     call=lambda x, output_size: lucid.adaptive_max_pool2d(x, output_size, True))


def ref_unfold(x, kernel_size, dilation, padding, stride):
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple(padding))
    counts = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d
              in zip(xp.shape[2:], kernel_size, stride, dilation)]
    out = np.zeros((x.shape[0], x.shape[1] * math.prod(kernel_size), math.prod(counts)))
    for li, pos in enumerate(np.ndindex(*counts)):
        for ki, tap in enumerate(np.ndindex(*kernel_size)):
            q = tuple(p * s + t * d for p, s, t, d in zip(pos, stride, tap, dilation))
            out[:, ki::math.prod(kernel_size), li] = xp[(slice(None), slice(None)) + q]
    return out


def ref_fold(cols, output_size, kernel_size, dilation, padding, stride):
    taps = math.prod(kernel_size)
    sizes = [n + lo + hi for n, (lo, hi) in zip(output_size, padding)]
    counts = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d
              in zip(sizes, kernel_size, stride, dilation)]
    full = np.zeros((cols.shape[0], cols.shape[1] // taps) + tuple(sizes))
    for li, pos in enumerate(np.ndindex(*counts)):
        for ki, tap in enumerate(np.ndindex(*kernel_size)):
            q = tuple(p * s + t * d for p, s, t, d in zip(pos, stride, tap, dilation))
            full[(slice(None), slice(None)) + q] += cols[:, ki::taps, li]
    crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(padding, output_size))
    return full[(slice(None), slice(None)) + crop]


_UF = dict(kernel_size=(2, 3), dilation=(1, 2), padding=((1, 1), (0, 0)), stride=(2, 1))
case("unfold", lambda rng: [rng.standard_normal((2, 2, 5, 7))], ref_unfold, params=_UF)
case("unfold", lambda rng: [rng.standard_normal((1, 2, 4, 4))],
     lambda x: ref_unfold(x, (2, 2), (1, 1), ((1, 1), (1, 1)), (2, 2)), name="public",
     call=lambda x: lucid.unfold(x, 2, padding=1, stride=2))
case("fold", lambda rng: [rng.standard_normal((2, 12, 9))], ref_fold,
     params=dict(output_size=(5, 7), **_UF))
case("fold", lambda rng: [rng.standard_normal((1, 8, 9))],
     lambda c: ref_fold(c, (4, 4), (2, 2), (1, 1), ((1, 1), (1, 1)), (2, 2)), name="public",
     call=lambda c: lucid.fold(c, (4, 4), 2, padding=1, stride=2))
