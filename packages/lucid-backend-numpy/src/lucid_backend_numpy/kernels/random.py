"""Kernels of the random samplers; every draw comes from ``_random_state.generator()``."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._random_state import generator
from lucid_backend_numpy.kernels._registry import kernel

_NATIVE = ("float32", "float64")  # dtypes numpy's generator samples directly


def _draw_dtype(dtype) -> str:
    return dtype.name if dtype.name in _NATIVE else "float64"


@kernel("normal")
def normal(*, shape, mean, std, dtype):
    z = generator().standard_normal(shape, dtype=_draw_dtype(dtype))
    if std != 1.0:
        z *= std
    if mean != 0.0:
        z += mean
    return z.astype(dtype.name, copy=False)


@kernel("uniform")
def uniform(*, shape, low, high, dtype):
    u = generator().random(shape, dtype=_draw_dtype(dtype))
    if (low, high) != (0.0, 1.0):
        u = low + (high - low) * u
    return u.astype(dtype.name, copy=False)


@kernel("randint")
def randint(*, shape, low, high, dtype):
    return generator().integers(low, high, size=shape, dtype=np.int64).astype(dtype.name,
                                                                              copy=False)


@kernel("randperm")
def randperm(*, n, dtype):
    return generator().permutation(n).astype(dtype.name, copy=False)


@kernel("bernoulli")
def bernoulli(p):
    return (generator().random(p.shape) < p).astype(p.dtype)


@kernel("multinomial")
def multinomial(probs, *, num_samples, replacement):
    p = np.atleast_2d(probs).astype(np.float64)
    if np.any(p < 0) or np.any(~np.isfinite(p)) or np.any(p.sum(-1) <= 0):
        raise ValueError("multinomial: probabilities must be finite, non-negative and have "
                         "a positive sum")
    rng = generator()
    if replacement:  # inverse CDF: count the cumulative weights below a uniform draw
        cdf = np.cumsum(p, axis=-1)
        cdf /= cdf[:, -1:]
        u = rng.random((p.shape[0], num_samples))
        out = (u[:, :, None] >= cdf[:, None, :]).sum(-1)
        out = np.minimum(out, p.shape[1] - 1)
    else:  # Gumbel top-k: the k largest of log p + Gumbel noise, in order
        with np.errstate(divide="ignore"):
            keys = np.log(p) - np.log(-np.log(rng.random(p.shape)))
        out = np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64)
    return out[0] if probs.ndim == 1 else out
