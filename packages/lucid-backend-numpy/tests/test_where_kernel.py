"""The NumPy ``where`` kernel's product path (a float array or zero) gives exactly what
``np.where`` gives: values, dtype, shape, the sign of zeros, NaN and inf."""

import numpy as np
import pytest

from lucid_backend_numpy.kernels.basic import where

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("zero_first", [True, False])
@pytest.mark.parametrize("zero", [0, 0.0, "0-d"])
@pytest.mark.parametrize("special", [False, True])
def test_where_with_zero_matches_np_where(dtype, zero_first, zero, special):
    g = RNG.standard_normal((16, 12)).astype(dtype)
    if special:
        g[0, :3] = [np.nan, np.inf, -np.inf]
    mask = RNG.random((16, 12)) > 0.5
    mask[0, :3] = True  # the specials sit where the zero is taken and where g is kept
    mask[1, :3] = False
    g[1, :3] = g[0, :3]
    z = np.zeros((), dtype) if zero == "0-d" else zero
    for cond, a in [(mask, g), (mask[:, :1], g), (mask, g[:1])]:
        args = (cond, z, a) if zero_first else (cond, a, z)
        ours, ref = where(*args), np.where(*args)
        assert ours.dtype == ref.dtype and ours.shape == ref.shape
        np.testing.assert_array_equal(ours, ref)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(ref))


def test_other_operands_take_np_where():
    cond = RNG.random(10) > 0.5
    for x, y in [(1.0, np.arange(10.0)), (np.arange(10), 0), (np.ones(10), np.zeros(10))]:
        np.testing.assert_array_equal(where(cond, x, y), np.where(cond, x, y))
