"""Random kernels: draws come from one host generator (NumPy's PCG64, seeded by
``lucid.random.seed``) and are moved to the device, so a seed gives the same numbers on
every namespace. ``bernoulli(p) = u < p``; ``multinomial`` with replacement inverts the
CDF (counts the cumulative weights below a uniform draw), without replacement takes the
top ``k`` of ``log p + Gumbel noise``.
"""

from __future__ import annotations

import numpy as np

_state = {"generator": np.random.default_rng()}


def seed(n: int) -> None:
    _state["generator"] = np.random.default_rng(n)


def generator() -> np.random.Generator:
    return _state["generator"]


def kernels(b) -> dict:
    xp = b.xp

    def to_device(a, dtype):
        return b.from_numpy(np.asarray(a).astype(dtype.name))

    def normal(*, shape, mean, std, dtype):
        return to_device(mean + std * generator().standard_normal(tuple(shape)), dtype)

    def uniform(*, shape, low, high, dtype):
        return to_device(low + (high - low) * generator().random(tuple(shape)), dtype)

    def randint(*, shape, low, high, dtype):
        return to_device(generator().integers(low, high, size=tuple(shape)), dtype)

    def randperm(*, n, dtype):
        return to_device(generator().permutation(n), dtype)

    def bernoulli(p):
        u = b.from_numpy(generator().random(p.shape).astype(np.dtype(b.dtype_of(p).name)))
        return xp.astype(u < p, p.dtype)

    def dropout_mask(*, shape, p, dtype, scale):
        keep = generator().random(tuple(shape)) >= p
        value = 1.0 / (1.0 - p) if scale and p < 1 else 1.0
        return to_device(keep * value, dtype)

    def multinomial(probs, *, num_samples, replacement):
        p = xp.astype(probs if probs.ndim == 2 else probs[None, :], xp.float64)
        if not bool(xp.all(xp.isfinite(p))) or bool(xp.any(p < 0)) or bool(
                xp.any(xp.sum(p, axis=-1) <= 0)):
            raise ValueError("multinomial: probabilities must be finite, non-negative and "
                             "have a positive sum")
        rows, classes = p.shape
        if replacement:
            cdf = xp.cumulative_sum(p, axis=-1)
            cdf = cdf / cdf[:, -1:]
            u = b.from_numpy(generator().random((rows, num_samples)))
            out = xp.sum(xp.astype(u[:, :, None] >= cdf[:, None, :], xp.int64), axis=-1)
            out = xp.minimum(out, classes - 1)
        else:
            gumbel = -np.log(-np.log(generator().random((rows, classes))))
            keys = xp.log(p) + b.from_numpy(gumbel)
            out = xp.argsort(-keys, axis=-1, stable=True)[:, :num_samples]
        out = xp.astype(out, xp.int64)
        return out[0, ...] if probs.ndim == 1 else out

    return {"normal": normal, "uniform": uniform, "randint": randint, "randperm": randperm,
            "bernoulli": bernoulli, "dropout_mask": dropout_mask, "multinomial": multinomial}
