"""Cases of the range/grid creation ops and the random samplers.

Ranges are compared with values written out element by element. Random samplers cannot
be compared value by value with an independent reference: their cases draw a large sample
under a fixed seed and compare sample moments (mean, variance, range) with the
distribution's exact moments, with tolerances of several standard errors.
"""

import numpy as np

import lucid
from lucid.ops.registry import apply
from lucid.testing.case import case

_NONE = lambda rng: []  # noqa: E731


case("arange", _NONE, lambda start, stop, step, dtype: np.array([2, 5, 8, 11]),
     params={"start": 2, "stop": 13, "step": 3, "dtype": lucid.int64}, float32=False)
case("arange", _NONE, lambda start, stop, step, dtype: np.array([1.0, 0.75, 0.5, 0.25]),
     params={"start": 1.0, "stop": 0.0, "step": -0.25, "dtype": lucid.float64},
     name="float-descending", float32=False)
case("linspace", _NONE, lambda start, stop, num, dtype: np.array(
     [-1 + 3 * i / 4 for i in range(5)]),
     params={"start": -1.0, "stop": 2.0, "num": 5, "dtype": lucid.float64}, float32=False)
case("logspace", _NONE, lambda start, stop, num, base, dtype: np.array(
     [2.0 ** (i * 0.5) for i in range(7)]),
     params={"start": 0.0, "stop": 3.0, "num": 7, "base": 2.0, "dtype": lucid.float64},
     float32=False)
case("eye", _NONE, lambda n, m, dtype: np.array(
     [[1.0 if i == j else 0.0 for j in range(m)] for i in range(n)]),
     params={"n": 3, "m": 4, "dtype": lucid.float64}, float32=False)


# -- random samplers: sample moments against exact moments -------------------------------
_N = 20000  # sample size: standard errors ~ 1/sqrt(N) = 0.007 of the spread


def _seeded(op: str, summary):
    """Run op ``op`` under seed 0 and reduce the sample to a few summary numbers."""

    def call(*tensors, **params):
        lucid.random.seed(0)
        return summary(apply(op, *tensors, **params).numpy().astype(np.float64))

    return call


def _mean_var(s):
    return np.array([s.mean(), s.var()])


def _mean_var_range(s):
    return np.array([s.mean(), s.var(), s.min(), s.max()])


case("normal", _NONE, lambda shape, mean, std, dtype: np.array([mean, std ** 2]),
     params={"shape": (_N,), "mean": 1.5, "std": 2.0, "dtype": lucid.float64},
     call=_seeded("normal", _mean_var), atol=0.12, rtol=0, float32=False)
case("uniform", _NONE, lambda shape, low, high, dtype: np.array(
     [(low + high) / 2, (high - low) ** 2 / 12, low, high]),
     params={"shape": (_N,), "low": -1.0, "high": 3.0, "dtype": lucid.float64},
     call=_seeded("uniform", _mean_var_range), atol=0.05, rtol=0, float32=False)
case("randint", _NONE, lambda shape, low, high, dtype: np.array(
     [(low + high - 1) / 2, ((high - low) ** 2 - 1) / 12, low, high - 1]),
     params={"shape": (_N,), "low": -3, "high": 4, "dtype": lucid.int64},
     call=_seeded("randint", _mean_var_range), atol=0.1, rtol=0, float32=False)
case("randperm", _NONE, lambda n, dtype: np.arange(n, dtype=np.int64),
     params={"n": 50, "dtype": lucid.int64}, float32=False,
     call=lambda **p: np.sort(apply("randperm", **p).numpy()))  # a permutation of 0..n-1
case("bernoulli", lambda rng: [np.full(_N, 0.3)], lambda p: np.array([0.3, 0.21]),
     call=_seeded("bernoulli", _mean_var), atol=0.02, rtol=0, float32=False)


def _frequencies(probs, num_samples, replacement):
    lucid.random.seed(0)
    draws = apply("multinomial", probs, num_samples=num_samples, replacement=replacement)
    return np.stack([np.bincount(row, minlength=3) / num_samples for row in draws.numpy()])


case("multinomial", lambda rng: [np.array([[1.0, 2.0, 7.0], [5.0, 0.0, 5.0]])],
     lambda probs, num_samples, replacement: probs / probs.sum(-1, keepdims=True),
     params={"num_samples": _N, "replacement": True}, call=_frequencies, atol=0.02, rtol=0,
     float32=False)
case("multinomial", lambda rng: [np.array([[1.0, 2.0, 7.0], [5.0, 0.5, 5.0]])],
     lambda probs, num_samples, replacement: np.array([[0, 1, 2], [0, 1, 2]]),
     params={"num_samples": 3, "replacement": False}, name="without-replacement",
     # drawing every category without replacement gives a permutation of each row
     call=lambda probs, **p: np.sort(apply("multinomial", probs, **p).numpy(), axis=-1),
     float32=False)
