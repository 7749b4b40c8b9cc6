"""Pooling and unfold/fold: semantics, argument handling and errors."""

import numpy as np
import pytest

import lucid

RNG = np.random.default_rng(0)


def _t(shape, grad=True):
    return lucid.tensor(RNG.standard_normal(shape), requires_grad=grad)


def test_max_pool_values_indices_and_gradient_routing():
    x = lucid.tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    y, idx = lucid.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(y.numpy()[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(idx.numpy()[0, 0], [[5, 7], [13, 15]])
    assert idx.dtype == lucid.int64
    y.sum().backward()
    want = np.zeros(16)
    want[[5, 7, 13, 15]] = 1
    np.testing.assert_array_equal(x.grad.numpy().reshape(-1), want)


def test_overlapping_max_pool_accumulates_gradient():
    x = lucid.tensor([[[0.0, 5.0, 1.0, 0.0]]], requires_grad=True)
    lucid.max_pool1d(x, 2, stride=1).sum().backward()  # 5 wins twice
    np.testing.assert_array_equal(x.grad.numpy(), [[[0, 2, 1, 0]]])


def test_max_pool_padding_is_minus_infinity():
    x = lucid.tensor(-np.ones((1, 1, 2, 2)))
    y = lucid.max_pool2d(x, 2, stride=1, padding=1)
    np.testing.assert_array_equal(y.numpy(), -np.ones((1, 1, 3, 3)))


def test_avg_pool_count_include_pad():
    x = lucid.tensor(np.ones((1, 1, 3, 3)))
    incl = lucid.avg_pool2d(x, 3, stride=1, padding=1).numpy()[0, 0]
    excl = lucid.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False).numpy()[0, 0]
    assert incl[0, 0] == pytest.approx(4 / 9) and incl[1, 1] == pytest.approx(1.0)
    np.testing.assert_allclose(excl, np.ones((3, 3)))
    over = lucid.avg_pool2d(x, 3, stride=1, padding=1, divisor_override=2).numpy()[0, 0]
    assert over[0, 0] == pytest.approx(2.0)


def test_pool_shapes_ceil_mode_and_unbatched():
    x = _t((2, 3, 7, 7))
    assert lucid.max_pool2d(x, 2).shape == (2, 3, 3, 3)
    assert lucid.max_pool2d(x, 2, ceil_mode=True).shape == (2, 3, 4, 4)
    assert lucid.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True).shape == (2, 3, 4, 4)
    assert lucid.max_pool2d(_t((3, 7, 7)), 3).shape == (3, 2, 2)
    assert lucid.max_pool3d(_t((1, 1, 4, 4, 4)), 2).shape == (1, 1, 2, 2, 2)
    assert lucid.avg_pool1d(_t((2, 3, 9)), 3).shape == (2, 3, 3)


def test_adaptive_pools():
    x = _t((2, 3, 7, 5))
    np.testing.assert_allclose(lucid.adaptive_avg_pool2d(x, 1).numpy()[..., 0, 0],
                               x.numpy().mean(axis=(2, 3)), rtol=1e-12)
    np.testing.assert_allclose(lucid.adaptive_max_pool2d(x, (1, 1)).numpy()[..., 0, 0],
                               x.numpy().max(axis=(2, 3)))
    assert lucid.adaptive_avg_pool2d(x, (3, None)).shape == (2, 3, 3, 5)
    y = lucid.adaptive_avg_pool2d(x, (3, 2))
    y.sum().backward()
    # each output averages its window, so each input gets sum over windows of 1/len
    assert x.grad.shape == x.shape
    np.testing.assert_allclose(x.grad.numpy().sum(), 2 * 3 * 3 * 2, rtol=1e-12)


def test_pool_errors():
    with pytest.raises(ValueError, match="half"):
        lucid.max_pool2d(_t((1, 1, 5, 5)), 2, padding=2)
    with pytest.raises(lucid.ShapeError, match="larger than the padded input"):
        lucid.avg_pool2d(_t((1, 1, 2, 2)), 3)
    with pytest.raises(lucid.ShapeError, match="4-D"):
        lucid.max_pool2d(_t((1, 1, 1, 5, 5)), 2)
    with pytest.raises(ValueError, match="output_size"):
        lucid.adaptive_avg_pool2d(_t((1, 1, 4, 4)), (1, 2, 3))


def test_unfold_fold_roundtrip_counts_overlaps():
    x = lucid.tensor(np.ones((1, 2, 4, 4)))
    cols = lucid.unfold(x, 2, stride=1)
    assert cols.shape == (1, 8, 9)
    back = lucid.fold(cols, (4, 4), 2, stride=1).numpy()[0, 0]
    np.testing.assert_array_equal(back, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2],
                                         [1, 2, 2, 1]])
    with pytest.raises(lucid.ShapeError, match="fold"):
        lucid.fold(cols, (5, 5), 2)
