"""Creation and random ops written with ``full``, ``arange`` and ``uniform``.

``linspace = start + arange(num) (stop - start) / (num - 1)``; ``logspace = base **
linspace``; ``eye[i, j] = (i == j)``; normal by Box-Muller, ``z = sqrt(-2 log u1)
cos(2 pi u2)``; randint ``= floor(uniform(low, high))``; randperm ``= argsort`` of uniform
keys; bernoulli ``= u < p``; multinomial by the inverse CDF (with replacement) or the
Gumbel top-k of ``log p - log(-log u)`` (without); the dropout mask ``= (u >= p) / (1 - p)``.
"""

from __future__ import annotations

import math

from lucid import dtypes
from lucid.ops.composites import composite, const, ops


def _f64_or(dtype):
    return dtype if dtype.is_floating_point else dtypes.float64


@composite("linspace")
def linspace(*, start, stop, num, dtype, device=None):
    work = dtypes.float64 if dtype.name != "float64" else dtype
    steps = ops.arange(start=0, stop=num, step=1, dtype=work, device=device)
    if num > 1:
        delta = (stop - start) / (num - 1)
        steps = ops.add(ops.mul(steps, const(delta, steps)), const(start, steps))
        # the last point is exactly ``stop``
        steps = ops.setitem(steps, const(stop, steps), index=(num - 1,))
    else:
        steps = ops.add(steps, const(start, steps))
    return ops.astype(steps, dtype=dtype)


@composite("logspace")
def logspace(*, start, stop, num, base, dtype, device=None):
    exponents = linspace(start=start, stop=stop, num=num, dtype=dtypes.float64, device=device)
    return ops.astype(ops.pow(const(base, exponents), exponents), dtype=dtype)


@composite("eye")
def eye(*, n, m, dtype, device=None):
    rows = ops.reshape(ops.arange(start=0, stop=n, step=1, dtype=dtypes.int64, device=device),
                       shape=(n, 1))
    cols = ops.reshape(ops.arange(start=0, stop=m, step=1, dtype=dtypes.int64, device=device),
                       shape=(1, m))
    return ops.astype(ops.eq(rows, cols), dtype=dtype)


def _uniform(shape, dtype, device, low=0.0, high=1.0):
    return ops.uniform(shape=tuple(shape), low=low, high=high, dtype=dtype, device=device)


@composite("normal")
def normal(*, shape, mean, std, dtype, device=None):
    work = _f64_or(dtype)
    u1 = _uniform(shape, work, device)
    u2 = _uniform(shape, work, device)
    one = const(1.0, u1)
    radius = ops.pow(ops.mul(const(-2.0, u1), ops.log(ops.add(one, ops.mul(u1, const(-1, u1))))),
                     const(0.5, u1))  # log(1 - u1): u1 may be 0, never 1
    z = ops.mul(radius, ops.cos(ops.mul(const(2 * math.pi, u2), u2)))
    return ops.astype(ops.add(ops.mul(z, const(std, z)), const(mean, z)), dtype=dtype)


@composite("randint")
def randint(*, shape, low, high, dtype, device=None):
    u = _uniform(shape, dtypes.float64, device, float(low), float(high))
    drawn = ops.floor(u)
    drawn = ops.where(ops.lt(drawn, const(float(high), drawn)), drawn,
                      const(float(high - 1), drawn))  # rounding up to ``high``: never
    return ops.astype(drawn, dtype=dtype)


@composite("randperm")
def randperm(*, n, dtype, device=None):
    keys = _uniform((n,), dtypes.float64, device)
    return ops.astype(ops.argsort(keys, axis=0, descending=False), dtype=dtype)


@composite("bernoulli")
def bernoulli(p):
    u = _uniform(p.shape, p.dtype, p.device)
    return ops.astype(ops.lt(u, p), dtype=p.dtype)


@composite("dropout_mask")
def dropout_mask(*, shape, p, dtype, scale, device=None):
    u = _uniform(shape, dtypes.float64, device)
    keep = ops.astype(ops.logical_not(ops.lt(u, const(p, u))), dtype=dtype)  # u >= p
    if scale and p < 1:
        keep = ops.mul(keep, const(1.0 / (1.0 - p), keep))
    return keep


@composite("multinomial")
def multinomial(probs, *, num_samples, replacement):
    p = ops.astype(probs, dtype=dtypes.float64)
    if len(p.shape) == 1:
        p = ops.reshape(p, shape=(1, p.shape[0]))
    rows, n = p.shape
    if replacement:
        cdf = ops.cumsum(p, axis=-1, reverse=False)
        cdf = ops.div(cdf, ops.getitem(cdf, index=(slice(None), slice(n - 1, n))))
        u = _uniform((rows, num_samples, 1), dtypes.float64, p.device)
        passed = ops.logical_not(ops.lt(u, ops.reshape(cdf, shape=(rows, 1, n))))  # cdf <= u
        out = ops.sum(ops.astype(passed, dtype=dtypes.int64), axis=(2,), keepdims=False)
        out = ops.where(ops.lt(out, const(n - 1, out)), out, const(n - 1, out))
    else:
        u = _uniform((rows, n), dtypes.float64, p.device)
        gumbel = ops.mul(ops.log(ops.mul(ops.log(u), const(-1.0, u))), const(-1.0, u))
        keys = ops.add(ops.log(p), gumbel)
        order = ops.argsort(keys, axis=-1, descending=True)
        out = ops.getitem(order, index=(slice(None), slice(0, num_samples)))
    out = ops.astype(out, dtype=dtypes.int64)
    return ops.reshape(out, shape=(out.shape[1],)) if len(probs.shape) == 1 else out
