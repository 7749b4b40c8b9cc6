"""Kernels of the random samplers. Every draw uses its own key from
:func:`._random_state.next_key`, so ``lucid.random.seed(s)`` replays the same draws.

MLX samples float16/float32 directly. Its ``uniform`` has no float64 (and float64 is
CPU-only in MLX), so float64 uniforms are built from three exact small-integer draws
``a < 2^17``, ``b, c < 2^18``: ``u = ((a * 2^18 + b) * 2^18 + c) / 2^53`` has 53 random
bits and lies in ``[0, 1)``.
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _allocation
from lucid_backend_mlx.kernels._dtypes import mx_dtype
from lucid_backend_mlx.kernels._random_state import next_key
from lucid_backend_mlx.kernels._registry import kernel

_DIRECT = (mx.float16, mx.float32)


def unit_uniform(shape, dtype, key):
    """``U[0, 1)`` samples of ``shape`` in ``dtype`` (float64: 53 random bits)."""
    if dtype in _DIRECT:
        return mx.random.uniform(shape=shape, dtype=dtype, key=key)
    keys = mx.random.split(key, 3)
    words = [mx.random.randint(0, 2**bits, shape, dtype=mx.int64, key=k).astype(mx.float64)
             for bits, k in zip((17, 18, 18), keys)]
    return ((words[0] * 2.0**18 + words[1]) * 2.0**18 + words[2]) * 2.0**-53


@kernel("normal")
def normal(*, shape, mean, std, dtype):
    target = mx_dtype(dtype)
    _allocation.check("normal", shape, target)
    draw = target if target in (mx.float16, mx.float32, mx.float64) else mx.float32
    z = mx.random.normal(shape, dtype=draw, key=next_key())
    if std != 1.0:
        z = z * std
    if mean != 0.0:
        z = z + mean
    return z.astype(target)


@kernel("uniform")
def uniform(*, shape, low, high, dtype):
    target = mx_dtype(dtype)
    _allocation.check("uniform", shape, target)
    draw = target if target in (mx.float16, mx.float32, mx.float64) else mx.float32
    u = unit_uniform(tuple(shape), draw, next_key())
    if (low, high) != (0.0, 1.0):
        u = low + (high - low) * u
    return u.astype(target)


@kernel("randint")
def randint(*, shape, low, high, dtype):
    _allocation.check("randint", shape, mx.int64)
    ints = mx.random.randint(low, high, tuple(shape), dtype=mx.int64, key=next_key())
    return ints.astype(mx_dtype(dtype))


@kernel("randperm")
def randperm(*, n, dtype):
    return mx.random.permutation(n, key=next_key()).astype(mx_dtype(dtype))


@kernel("bernoulli")
def bernoulli(p):
    """``1`` where a ``U[0, 1)`` draw falls below ``p``, else ``0`` (in ``p``'s dtype)."""
    draw = p.dtype if p.dtype in (mx.float32, mx.float64) else mx.float32
    return (unit_uniform(p.shape, draw, next_key()) < p).astype(p.dtype)


@kernel("multinomial")
def multinomial(probs, *, num_samples, replacement):
    """With replacement: inverse CDF (count the normalised cumulative weights below a
    uniform draw). Without: Gumbel top-k, the ``k`` largest of ``log p + Gumbel noise``."""
    work = mx.float64 if probs.dtype == mx.float64 else mx.float32
    p = probs.astype(work)
    p = p[None] if p.ndim == 1 else p
    bad = mx.any(p < 0) | mx.any(~mx.isfinite(p)) | mx.any(mx.sum(p, axis=-1) <= 0)
    if bad.item():
        raise ValueError("multinomial: probabilities must be finite, non-negative and have "
                         "a positive sum")
    rows, classes = p.shape
    if replacement:
        cdf = mx.cumsum(p, axis=-1)
        cdf = cdf / cdf[:, -1:]
        u = unit_uniform((rows, num_samples), work, next_key())
        out = mx.sum(u[:, :, None] >= cdf[:, None, :], axis=-1)
        out = mx.minimum(out, classes - 1)
    else:
        u = unit_uniform(p.shape, work, next_key())
        keys = mx.log(p) - mx.log(-mx.log(u))
        out = mx.argsort(-keys, axis=-1)[:, :num_samples]
    out = out.astype(mx.int64)
    return out[0] if probs.ndim == 1 else out
