"""Cases of the reductions. References loop over index tuples or use closed formulas in
float64, not the NumPy reduction the kernel calls."""

import itertools
import math

import numpy as np

import lucid
from lucid.testing.case import case, randn


def _loop_reduce(fn, x, axis, keepdims):
    """Reduce ``x`` over ``axis`` (tuple or None) with ``fn(list_of_values)`` by looping."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in axis)
    kept = [i for i in range(x.ndim) if i not in axes]
    out = np.empty([x.shape[i] for i in kept], dtype=np.float64)
    for idx in itertools.product(*[range(x.shape[i]) for i in kept]):
        values = []
        for red in itertools.product(*[range(x.shape[i]) for i in axes]):
            full = [0] * x.ndim
            for i, v in zip(kept, idx):
                full[i] = v
            for i, v in zip(axes, red):
                full[i] = v
            values.append(float(x[tuple(full)]))
        out[idx] = fn(values)
    if keepdims:
        out = out.reshape([1 if i in axes else x.shape[i] for i in range(x.ndim)])
    return out


def _reducer(fn):
    return lambda x, axis, keepdims, **_: _loop_reduce(fn, x, axis, keepdims)


def _population_var(values, correction=0):
    m = math.fsum(values) / len(values)
    return math.fsum((v - m) ** 2 for v in values) / (len(values) - correction)


def _distinct(*shape):
    """Well-separated values (no ties: max/min gradients are then well defined)."""
    return lambda rng: [rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37
                        + rng.uniform(-0.05, 0.05, shape)]


def _with_zeros(rng):
    x = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1, 1], (3, 4))
    x[1, 2] = 0.0             # one zero in row 1
    x[2, 0] = x[2, 3] = 0.0   # two zeros in row 2
    return [x]


case("prod", randn(2, 3, 4), _reducer(math.prod), params={"axis": (1,), "keepdims": False})
case("prod", lambda rng: [rng.uniform(0.5, 1.5, (2, 3))], _reducer(math.prod),
     params={"axis": None, "keepdims": True}, name="all")
case("prod", _with_zeros, _reducer(math.prod), params={"axis": (1,), "keepdims": False},
     name="zeros")
case("any", lambda rng: [rng.integers(0, 2, (3, 4)) * (rng.random((3, 4)) < 0.3)],
     lambda x, axis, keepdims: _loop_reduce(lambda v: builtin_any(v), x, axis, keepdims)
     .astype(bool), params={"axis": (1,), "keepdims": True})
case("all", lambda rng: [rng.integers(0, 2, (3, 4)) + (rng.random((3, 4)) < 0.8)],
     lambda x, axis, keepdims: _loop_reduce(lambda v: builtin_all(v), x, axis, keepdims)
     .astype(bool), params={"axis": None, "keepdims": False})
case("amax", _distinct(2, 3, 4), _reducer(max), params={"axis": (0, 2), "keepdims": False})
case("amin", _distinct(3, 4), _reducer(min), params={"axis": None, "keepdims": False})
case("amax", lambda rng: [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])], _reducer(max),
     params={"axis": (1,), "keepdims": True}, name="ties")  # the even split is what FD sees
case("max_dim", _distinct(3, 4),
     lambda x, axis, keepdims: (np.array([max(r) for r in x]),
                                np.array([list(r).index(max(r)) for r in x])),
     params={"axis": 1, "keepdims": False})
case("min_dim", _distinct(3, 4),
     lambda x, axis, keepdims: (np.array([[min(c) for c in x.T]]),
                                np.array([[list(c).index(min(c)) for c in x.T]])),
     params={"axis": 0, "keepdims": True})
case("argmax", _distinct(3, 4),
     lambda x, axis, keepdims: np.array([list(r).index(max(r)) for r in x]),
     params={"axis": 1, "keepdims": False})
case("argmin", _distinct(3, 4),
     lambda x, axis, keepdims: np.array(list(x.flat).index(min(x.flat))),
     params={"axis": None, "keepdims": False})
case("var", randn(3, 5), _reducer(_population_var), params={"axis": (1,), "keepdims": False,
                                                              "correction": 0})
case("var", randn(2, 3, 4), lambda x, axis, keepdims, correction: _loop_reduce(
     lambda v: _population_var(v, 1), x, axis, keepdims),
     params={"axis": (0, 2), "keepdims": True, "correction": 1}, name="unbiased")
# composites are filed under their most specific op (the one a minimal backend lacks)
case("var", randn(3, 4), lambda x: np.array(math.fsum(
     math.fsum((v - math.fsum(r) / 4) ** 2 for v in r) / 3 for r in x) ** 0.5),
     call=lambda x: x.std(1).square().sum().sqrt(), name="std-method")
case("amax", randn(3, 4), lambda x: np.array(
     [math.log(math.fsum(math.exp(v) for v in r)) for r in x]),
     call=lambda x: lucid.logsumexp(x * 1.0, dim=1), name="logsumexp")
case("amax", lambda rng: [rng.standard_normal((2, 3)) + 800.0], lambda x: np.array(
     [800 + math.log(math.fsum(math.exp(v - 800) for v in r)) for r in x]),
     call=lambda x: lucid.logsumexp(x, axis=1), name="logsumexp-large")


def _scan(fn, x, axis, reverse):
    x = np.moveaxis(x, axis, -1)
    out = np.empty_like(x)
    for idx in np.ndindex(*x.shape[:-1]):
        row = list(x[idx])[::-1] if reverse else list(x[idx])
        acc = list(itertools.accumulate(row, fn))
        out[idx] = acc[::-1] if reverse else acc
    return np.moveaxis(out, -1, axis)


case("cumsum", randn(3, 4), lambda x, axis, reverse: _scan(lambda a, b: a + b, x, axis,
                                                            reverse),
     params={"axis": 1, "reverse": False})
case("cumsum", randn(3, 4), lambda x, axis, reverse: _scan(lambda a, b: a + b, x, axis,
                                                            reverse),
     params={"axis": 0, "reverse": True}, name="reverse")
case("cumprod", lambda rng: [rng.uniform(0.5, 1.5, (3, 4))],
     lambda x, axis, reverse: _scan(lambda a, b: a * b, x, axis, reverse),
     params={"axis": 1, "reverse": False})
case("cumprod", lambda rng: [rng.uniform(0.5, 1.5, (3, 4))],
     lambda x, axis, reverse: _scan(lambda a, b: a * b, x, axis, reverse),
     params={"axis": 0, "reverse": True}, name="reverse")
case("cumprod", _with_zeros, lambda x, axis, reverse: _scan(lambda a, b: a * b, x, axis, reverse),
     params={"axis": 1, "reverse": False}, name="zeros")
case("cumprod", _with_zeros, lambda x, axis, reverse: _scan(lambda a, b: a * b, x, axis, reverse),
     params={"axis": 1, "reverse": True}, name="zeros-reverse")

builtin_any, builtin_all = any, all
