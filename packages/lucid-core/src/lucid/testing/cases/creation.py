"""Cases of the range/grid creation ops and the random samplers.

Ranges are compared with values written out element by element. Random samplers cannot
be compared value by value with an independent reference: their cases draw a large sample
under a fixed seed and compare sample moments (mean, variance, range) with the
distribution's exact moments, with tolerances of several standard errors.
"""

import numpy as np

import lucid
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
