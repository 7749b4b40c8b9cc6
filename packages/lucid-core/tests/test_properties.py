"""Property-based tests (hypothesis, issue 10): random shapes (0-sized and broadcastable
ones included), dtypes and values (NaN, +-Inf, huge, tiny and subnormal) through the
elementwise, reduction, shape and indexing ops, compared with NumPy (float64 references
where float32 rounding order differs) on the backend serving ``cpu``
(``LUCID_BACKEND=mlx`` for MLX).

CI time is bounded: a fixed example budget per test (``LUCID_HYPOTHESIS_EXAMPLES``, default
40), no deadline, no example database, derandomized so a CI failure reproduces. The number
of examples each test ran is printed at the end of the module (and written as JSON to the
file named by ``LUCID_HYPOTHESIS_COUNTS`` when set).
"""

import collections
import json
import os

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lucid

EXAMPLES = int(os.environ.get("LUCID_HYPOTHESIS_EXAMPLES", "40"))
COUNTS = collections.Counter()
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    yield
    total = sum(COUNTS.values())
    lines = [f"hypothesis examples run: {total} ({lucid.backends.binding().get('cpu')})"]
    lines += [f"  {name}: {n}" for name, n in sorted(COUNTS.items())]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)
    target = os.environ.get("LUCID_HYPOTHESIS_COUNTS")
    if target:
        with open(target, "w") as f:
            json.dump({"backend": lucid.backends.binding().get("cpu"), "total": total,
                       "per_test": dict(COUNTS)}, f, indent=1)


def _count(name):
    COUNTS[name] += 1


SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
SPECIAL_F32 = st.floats(width=32, allow_nan=True, allow_infinity=True)  # huge, tiny, subnormal


def float_arrays(dtype=np.float32, shape=SHAPES, elements=None):
    width = 32 if dtype == np.float32 else 64
    return hnp.arrays(dtype, shape, elements=elements or st.floats(
        width=width, allow_nan=True, allow_infinity=True))


def _same(got, want, rtol=1e-5, atol=1e-30):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    if want.dtype.kind == "f":
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


# -- elementwise ------------------------------------------------------------------------------
UNARY = {  # name: (lucid fn, numpy fn, value strategy); float32 everywhere
    "neg": (lambda x: -x, np.negative, SPECIAL_F32),
    "abs": (lucid.abs, np.abs, SPECIAL_F32),
    "relu": (lucid.relu, lambda a: np.where(np.isnan(a), a, np.maximum(a, 0)), SPECIAL_F32),
    "floor": (lucid.floor, np.floor, SPECIAL_F32),
    "sign": (lucid.sign, np.sign, SPECIAL_F32),
    "sqrt": (lucid.sqrt, np.sqrt, SPECIAL_F32),
    "exp": (lucid.exp, np.exp, st.floats(-100, 100, width=32) | st.sampled_from(
        [np.nan, np.inf, -np.inf])),
    "log": (lucid.log, np.log, SPECIAL_F32),
    "tanh": (lucid.tanh, np.tanh, SPECIAL_F32),
    "sigmoid": (lucid.sigmoid, lambda a: 1.0 / (1.0 + np.exp(-a.astype(np.float64))),
                SPECIAL_F32),
    "isnan": (lucid.isnan, np.isnan, SPECIAL_F32),
    "isinf": (lucid.isinf, np.isinf, SPECIAL_F32),
    "clamp": (lambda x: lucid.clamp(x, -2.0, 3.0),
              lambda a: np.clip(a, -2.0, 3.0), SPECIAL_F32),
    "square": (lambda x: x * x, np.square, SPECIAL_F32),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_numpy(name):
    fn, ref, values = UNARY[name]

    @SETTINGS
    @given(a=hnp.arrays(np.float32, SHAPES, elements=values))
    def check(a):
        _count(f"unary[{name}]")
        with np.errstate(all="ignore"):
            want = ref(a)
        _same(fn(lucid.tensor(a)).numpy(), want, rtol=2e-6 if name != "exp" else 1e-5)

    check()


BINARY = {
    "add": (lambda x, y: x + y, np.add),
    "sub": (lambda x, y: x - y, np.subtract),
    "mul": (lambda x, y: x * y, np.multiply),
    "div": (lambda x, y: x / y, np.divide),
    "maximum": (lucid.maximum, np.maximum),
    "minimum": (lucid.minimum, np.minimum),
    "lt": (lambda x, y: x < y, np.less),
    "eq": (lambda x, y: x == y, np.equal),
    "where": (lambda x, y: lucid.where(x > y, x, y), lambda a, b: np.where(a > b, a, b)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_broadcasting_binary_matches_numpy(name):
    fn, ref = BINARY[name]

    @SETTINGS
    @given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3))
    def check(data, shapes):
        _count(f"binary[{name}]")
        a = data.draw(float_arrays(shape=shapes.input_shapes[0]))
        b = data.draw(float_arrays(shape=shapes.input_shapes[1]))
        with np.errstate(all="ignore"):
            want = ref(a, b)
        _same(fn(lucid.tensor(a), lucid.tensor(b)).numpy(), want, rtol=2e-6)

    check()


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from([np.int32, np.int64]),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_integer_arithmetic_matches_numpy(data, dtype, shapes):
    _count("integer_arithmetic")
    ints = st.integers(-1000, 1000)
    a = data.draw(hnp.arrays(dtype, shapes.input_shapes[0], elements=ints))
    b = data.draw(hnp.arrays(dtype, shapes.input_shapes[1], elements=ints.filter(bool)))
    x, y = lucid.tensor(a), lucid.tensor(b)
    _same((x + y).numpy(), a + b)
    _same((x * y).numpy(), a * b)
    _same((x // y).numpy(), a // b)
    _same((x % y).numpy(), a % b)
    _same((x / y).numpy(), a / b, rtol=1e-6)


# -- reductions -------------------------------------------------------------------------------
_BIG = float(np.float32(1e30))  # huge, yet 64 of them cannot overflow float32
MODERATE = st.floats(-_BIG, _BIG, width=32) | st.sampled_from(
    [np.nan, np.inf, -np.inf, 0.0, float(np.float32(1e-45)), float(np.float32(-1e-38))])


def _axis(data, ndim):
    if ndim == 0:
        return None
    return data.draw(st.none() | st.integers(-ndim, ndim - 1)
                     | st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                unique=True).map(tuple))


REDUCTIONS = {  # name: (lucid, numpy reference in float64, needs a non-empty reduced axis)
    "sum": (lambda x, ax, k: x.sum(axis=ax, keepdims=k),
            lambda a, ax, k: a.astype(np.float64).sum(axis=ax, keepdims=k), False),
    "mean": (lambda x, ax, k: x.mean(axis=ax, keepdims=k),
             lambda a, ax, k: a.astype(np.float64).mean(axis=ax, keepdims=k), False),
    "amax": (lambda x, ax, k: lucid.amax(x, axis=ax, keepdims=k),
             lambda a, ax, k: np.max(a, axis=ax, keepdims=k), True),
    "amin": (lambda x, ax, k: lucid.amin(x, axis=ax, keepdims=k),
             lambda a, ax, k: np.min(a, axis=ax, keepdims=k), True),
    "logsumexp": (lambda x, ax, k: lucid.logsumexp(x, axis=ax, keepdims=k),
                  lambda a, ax, k: _logsumexp(a, ax, k), False),
}


def _logsumexp(a, axis, keepdims):
    """float64 ``m + log(sum(exp(a - m)))``; ``-inf`` over an empty axis (PyTorch's)."""
    a, axes = a.astype(np.float64), _all(axis, a.ndim)
    m = np.max(a, axis=axes, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axes)


def _all(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return axis


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_matches_reference(name):
    fn, ref, needs_items = REDUCTIONS[name]

    @SETTINGS
    @given(data=st.data(), a=hnp.arrays(np.float32, SHAPES, elements=MODERATE),
           keep=st.booleans())
    def check(data, a, keep):
        ax = _axis(data, a.ndim)
        axes = _all(ax, a.ndim)
        axes = (axes,) if isinstance(axes, int) else axes
        if needs_items and any(a.shape[i] == 0 for i in axes) or (
                name == "logsumexp" and a.ndim == 0):
            return
        _count(f"reduction[{name}]")
        with np.errstate(all="ignore"):
            want = np.asarray(ref(a, ax, keep))
            scale = np.abs(np.nan_to_num(a, posinf=0, neginf=0)).astype(np.float64)
            bound = scale.sum(axis=ax, keepdims=keep) if name in ("sum", "mean") else 0
            if name == "mean" and a.size:
                bound = scale.mean(axis=ax, keepdims=keep)
        got = fn(lucid.tensor(a), ax, keep).numpy().astype(np.float64)
        assert got.shape == want.shape
        finite = np.isfinite(want)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(got[~finite], want[~finite])
        tol = 1e-5 * np.broadcast_to(bound, want.shape)[finite] + 1e-6 * np.abs(want[finite])
        assert np.all(np.abs(got[finite] - want[finite]) <= tol + 1e-30)

    check()


# -- shape ops ---------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), a=float_arrays(shape=hnp.array_shapes(min_dims=1, max_dims=4,
                                                               min_side=0, max_side=4)))
def test_shape_ops_match_numpy(data, a):
    _count("shape_ops")
    x = lucid.tensor(a)
    perm = data.draw(st.permutations(range(a.ndim)))
    _same(x.permute(*perm).numpy(), a.transpose(perm))
    _same(x.reshape(-1).numpy(), a.reshape(-1))
    if a.size:
        _same(x.reshape(a.shape[::-1]).numpy(), a.reshape(a.shape[::-1]))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    _same(lucid.flip(x, (axis,)).numpy(), np.flip(a, axis))
    _same(lucid.concatenate([x, x], axis=axis).numpy(), np.concatenate([a, a], axis=axis))
    _same(lucid.stack([x, x], axis=axis).numpy(), np.stack([a, a], axis=axis))
    _same(lucid.expand_dims(x, axis).numpy(), np.expand_dims(a, axis))
    reps = tuple(data.draw(st.integers(0, 2)) for _ in range(a.ndim))
    _same(lucid.tile(x, reps).numpy(), np.tile(a, reps))
    target = data.draw(hnp.broadcastable_shapes(a.shape, min_side=0, max_side=3))
    broadcast = np.broadcast_shapes(a.shape, target)
    _same(lucid.broadcast_to(x, broadcast).numpy(), np.broadcast_to(a, broadcast))


# -- indexing ----------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), a=float_arrays(shape=hnp.array_shapes(min_dims=1, max_dims=3,
                                                               min_side=0, max_side=5)))
def test_indexing_matches_numpy(data, a):
    _count("indexing")
    x = lucid.tensor(a)
    basic = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    _same(x[basic].numpy(), a[basic])
    if a.shape[0]:
        rows = data.draw(hnp.arrays(np.int64, st.integers(0, 4),
                                    elements=st.integers(-a.shape[0], a.shape[0] - 1)))
        _same(x[lucid.tensor(rows)].numpy(), a[rows])
    mask = data.draw(hnp.arrays(np.bool_, a.shape))
    _same(x[lucid.tensor(mask)].numpy(), a[mask])
    y = lucid.tensor(a.copy())
    b = a.copy()
    y[basic] = 7.0
    b[basic] = 7.0
    _same(y.numpy(), b)
