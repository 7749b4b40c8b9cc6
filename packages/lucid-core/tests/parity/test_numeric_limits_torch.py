"""Limits a backend must not get silently wrong (issue 10): impossible allocations, long
float32 sums, integer convolution, integer division by zero. Runs on the backend serving
``cpu`` (``LUCID_BACKEND=mlx`` for MLX), against PyTorch and NumPy."""

import numpy as np
import pytest
import torch

import lucid
import lucid.nn.functional as F
from lucid.errors import ShapeError


@pytest.mark.parametrize("make", [lambda: lucid.zeros((10**6, 10**6)),
                                  lambda: lucid.ones(10**6, 10**6),
                                  lambda: lucid.randn(10**6, 10**6),
                                  lambda: lucid.full((10**6, 10**6), 2.0)],
                         ids=["zeros", "ones", "randn", "full"])
def test_an_impossible_allocation_is_a_memory_error(make):
    """4 TB: NumPy raises MemoryError; MLX would crash the process at evaluation (SIGSEGV),
    so its kernels refuse first, with the same error type. The test process surviving is
    part of the check."""
    with pytest.raises(MemoryError, match="3.64 TiB|cannot allocate"):
        make().numpy()


def test_mlx_dimension_past_int32_is_a_shape_error():
    if lucid.backends.binding().get("cpu") != "mlx":
        pytest.skip("MLX's int32 dimensions; NumPy has none")
    with pytest.raises(ShapeError, match="2147483647"):
        lucid.arange(0, 3 * 10**9)


def test_float32_sum_and_mean_of_1e8_ones():
    """PyTorch gives 1e8 and 1.0; a running float32 sum would stop at 2**24 = 16777216."""
    x = lucid.ones(10**8)
    assert x.sum().item() == 1e8
    assert x.mean().item() == 1.0


def test_float32_variance_of_many_ones_is_zero():
    x = lucid.ones(2**25 + 3)
    assert x.var().item() == 0.0
    assert x.std(correction=0).item() == 0.0


@pytest.fixture(scope="module")
def long_rows():
    """(2, 2**21 + 5, 2) uniform float32: sums of over 2**21 terms along axis 1."""
    return np.random.default_rng(0).uniform(0.0, 1.0, (2, 2**21 + 5, 2)).astype(np.float32)


@pytest.mark.parametrize("axis", [None, 1, (0, 1), (1, 2)])
def test_long_float32_sums_as_accurate_as_torch(long_rows, axis):
    """Within 4x PyTorch's (cascade-sum) error against the float64 sum, whatever the axes
    (an in-order float32 sum over axis 1 is ~100x worse)."""
    a = long_rows
    exact = a.astype(np.float64).sum(axis=axis)
    ours = lucid.tensor(a).sum(axis=axis).numpy()
    theirs = torch.tensor(a).sum(dim=axis) if axis is not None else torch.tensor(a).sum()
    torch_err = np.abs(theirs.numpy().astype(np.float64) - exact).max()
    assert np.abs(ours - exact).max() <= max(4 * torch_err, 1e-6 * np.abs(exact).max())
    np.testing.assert_allclose(lucid.tensor(a).mean(axis=axis).numpy(),
                               a.astype(np.float64).mean(axis=axis), rtol=1e-6)
    np.testing.assert_allclose(lucid.tensor(a).var(axis=axis).numpy(),
                               a.astype(np.float64).var(axis=axis), rtol=1e-5)


@pytest.mark.parametrize("np_dtype,t_dtype", [(np.int32, torch.int32), (np.int64, torch.int64),
                                              (np.int16, torch.int16)])
def test_integer_conv2d_as_torch(np_dtype, t_dtype):
    rng = np.random.default_rng(1)
    x = rng.integers(-20, 20, (2, 4, 9, 9)).astype(np_dtype)
    w = rng.integers(-5, 5, (6, 2, 3, 3)).astype(np_dtype)
    got = F.conv2d(lucid.tensor(x), lucid.tensor(w), stride=2, padding=1, groups=2)
    want = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), stride=2, padding=1,
                                      groups=2)
    assert got.dtype == lucid.dtypes.to_dtype(str(want.dtype).split(".")[-1])
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_integer_conv1d_and_transpose_as_torch():
    rng = np.random.default_rng(2)
    x = rng.integers(-9, 9, (2, 3, 11)).astype(np.int64)
    w = rng.integers(-4, 4, (5, 3, 4)).astype(np.int64)
    np.testing.assert_array_equal(
        F.conv1d(lucid.tensor(x), lucid.tensor(w), dilation=2).numpy(),
        torch.nn.functional.conv1d(torch.tensor(x), torch.tensor(w), dilation=2).numpy())
    wt = rng.integers(-4, 4, (3, 2, 3, 3)).astype(np.int64)
    xt = rng.integers(-9, 9, (1, 3, 5, 5)).astype(np.int64)
    np.testing.assert_array_equal(
        F.conv_transpose2d(lucid.tensor(xt), lucid.tensor(wt), stride=2).numpy(),
        torch.nn.functional.conv_transpose2d(torch.tensor(xt), torch.tensor(wt),
                                             stride=2).numpy())


def test_torch_raises_on_integer_division_by_zero():
    for op in (lambda a, b: a // b, lambda a, b: a % b):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            op(torch.tensor([7, -7, 3]), torch.tensor([2, 0, 1]))


@pytest.mark.parametrize("fn", [lambda x, y: x // y, lambda x, y: x % y,
                                lambda x, y: lucid.floor_divide(x, y),
                                lambda x, y: lucid.remainder(x, y),
                                lambda x, y: lucid.div(x, y, rounding_mode="floor")],
                         ids=["//", "%", "floor_divide", "remainder", "div_floor"])
def test_integer_division_by_zero_raises_as_torch(fn):
    x, y = lucid.tensor([7, -7, 3]), lucid.tensor([2, 0, 1])
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        fn(x, y)
    with pytest.raises(ZeroDivisionError):
        fn(x, 0)
    with pytest.raises(ZeroDivisionError):
        fn(lucid.tensor([1, 2], dtype=lucid.int32), lucid.tensor([[1, 1], [0, 1]],
                                                              dtype=lucid.int32))


def test_integer_division_without_zero_and_float_division_by_zero_as_torch():
    x, y = [7, -7, 3, 0], [2, 3, -1, 5]
    np.testing.assert_array_equal((lucid.tensor(x) // lucid.tensor(y)).numpy(),
                                  (torch.tensor(x) // torch.tensor(y)).numpy())
    np.testing.assert_array_equal((lucid.tensor(x) % lucid.tensor(y)).numpy(),
                                  (torch.tensor(x) % torch.tensor(y)).numpy())
    assert (7 // lucid.tensor([2])).tolist() == [3]
    with pytest.raises(ZeroDivisionError):
        7 // lucid.tensor([0])
    f = [1.0, -1.0, 0.0]
    for op in (lambda a, b: a // b, lambda a, b: a / b, lambda a, b: a % b):
        got = op(lucid.tensor(f), lucid.tensor([0.0, 0.0, 0.0])).numpy()
        want = op(torch.tensor(f), torch.tensor([0.0, 0.0, 0.0])).numpy()
        np.testing.assert_array_equal(got, want)
    # true division of integers promotes to float: x / 0 is inf, as PyTorch
    np.testing.assert_array_equal((lucid.tensor([1, 0]) / 0).numpy(),
                                  (torch.tensor([1, 0]) / 0).numpy())
