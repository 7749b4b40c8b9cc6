"""Ordering: sort/argsort/msort/topk/kthvalue/median/unique against NumPy and hand-computed
values, both spellings, gradients scattered back to the source positions, errors."""

import numpy as np
import pytest

import lucid
from lucid.errors import ShapeError

RNG = np.random.default_rng(1)


def t(a, grad=False):
    return lucid.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def test_sort_numpy_spelling_returns_values():
    x = RNG.standard_normal((3, 4, 5))
    out = lucid.sort(t(x))
    assert isinstance(out, lucid.Tensor)
    np.testing.assert_array_equal(out.numpy(), np.sort(x))
    np.testing.assert_array_equal(lucid.sort(t(x), 1).numpy(), np.sort(x, axis=1))
    np.testing.assert_array_equal(lucid.sort(t(x), axis=0).numpy(), np.sort(x, axis=0))
    np.testing.assert_array_equal(t(x).sort(axis=0).numpy(), np.sort(x, axis=0))


def test_sort_pytorch_spelling_returns_values_and_indices():
    x = t([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    values, indices = x.sort(1)
    np.testing.assert_array_equal(values.numpy(), [[1, 2, 3], [-1, 0, 5]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 2, 0], [1, 0, 2]])
    assert indices.dtype == lucid.int64
    out = lucid.sort(x, dim=1, descending=True)
    np.testing.assert_array_equal(out.values.numpy(), [[3, 2, 1], [5, 0, -1]])
    np.testing.assert_array_equal(out.indices.numpy(), [[0, 2, 1], [2, 0, 1]])
    assert x.sort().values.shape == (2, 3)


def test_sort_is_stable_both_directions_and_handles_ints_and_bools():
    x = lucid.tensor([2, 1, 2, 1, 3])
    np.testing.assert_array_equal(x.sort().indices.numpy(), [1, 3, 0, 2, 4])
    np.testing.assert_array_equal(x.sort(descending=True).indices.numpy(), [4, 0, 2, 1, 3])
    assert x.sort().values.dtype == lucid.int64
    b = lucid.tensor([True, False, True])
    np.testing.assert_array_equal(b.sort(descending=True).values.numpy(), [True, True, False])
    u = lucid.tensor(np.array([3, 0, 255], dtype=np.uint8))
    np.testing.assert_array_equal(lucid.sort(u, descending=True).numpy(), [255, 3, 0])


def test_sort_puts_nan_last_ascending_and_first_descending():
    x = t([1.0, np.nan, -1.0])
    np.testing.assert_array_equal(lucid.sort(x).numpy(), [-1.0, 1.0, np.nan])
    np.testing.assert_array_equal(lucid.sort(x, descending=True).numpy(), [np.nan, 1.0, -1.0])


def test_sort_gradient_goes_back_to_source_positions():
    x = t([3.0, 1.0, 2.0], grad=True)
    values, _ = x.sort()
    values.backward(t([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 10.0, 20.0])


def test_sort_of_0d_and_axis_errors():
    v, i = t(2.0).sort()
    assert v.item() == 2.0 and i.item() == 0
    with pytest.raises(ShapeError, match="sort: axis 2"):
        lucid.sort(t(np.zeros((2, 2))), 2)


def test_argsort_and_msort():
    x = RNG.standard_normal((4, 6))
    np.testing.assert_array_equal(lucid.argsort(t(x)).numpy(), np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(lucid.argsort(t(x), 0).numpy(), np.argsort(x, axis=0))
    np.testing.assert_array_equal(t(x).argsort(dim=0, descending=True).numpy(),
                                  np.argsort(-x, axis=0))
    np.testing.assert_array_equal(lucid.msort(t(x)).numpy(), np.sort(x, axis=0))


def test_topk_values_indices_and_gradient():
    x = t([[1.0, 5.0, 3.0, 4.0], [9.0, 8.0, 7.0, 6.0]], grad=True)
    values, indices = x.topk(2)
    np.testing.assert_array_equal(values.numpy(), [[5, 4], [9, 8]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 3], [0, 1]])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0, 1], [1, 1, 0, 0]])
    smallest = lucid.topk(x.detach(), 1, dim=0, largest=False)
    np.testing.assert_array_equal(smallest.values.numpy(), [[1, 5, 3, 4]])
    assert x.topk(0).values.shape == (2, 0)
    with pytest.raises(ShapeError, match="topk: k=5"):
        x.topk(5)


def test_topk_matches_full_sort_on_large_rows():
    x = RNG.standard_normal((5, 100))
    np.testing.assert_array_equal(lucid.topk(t(x), 7).values.numpy(), -np.sort(-x)[:, :7])
    np.testing.assert_array_equal(lucid.topk(t(x), 7, largest=False).indices.numpy(),
                                  np.argsort(x)[:, :7])


def test_kthvalue():
    x = t([[3.0, 1.0, 2.0], [6.0, 4.0, 5.0]])
    values, indices = x.kthvalue(2)
    np.testing.assert_array_equal(values.numpy(), [2, 5])
    np.testing.assert_array_equal(indices.numpy(), [2, 2])
    kept = lucid.kthvalue(x, 1, 0, keepdim=True)
    assert kept.values.shape == (1, 3)
    np.testing.assert_array_equal(kept.values.numpy(), [[3, 1, 2]])
    with pytest.raises(ShapeError, match="kthvalue: k=4"):
        x.kthvalue(4)


def test_median_two_conventions():
    x = t([[1.0, 4.0, 2.0, 3.0], [5.0, 5.0, 0.0, 1.0]])
    np.testing.assert_allclose(lucid.median(x, axis=1).numpy(), [2.5, 3.0])  # NumPy: mean
    np.testing.assert_allclose(lucid.median(x).numpy(), np.median(x.numpy()))
    assert lucid.median(x, axis=1, keepdims=True).shape == (2, 1)
    lower = x.median(1)  # PyTorch: the lower middle value and its index
    np.testing.assert_array_equal(lower.values.numpy(), [2.0, 1.0])
    np.testing.assert_array_equal(lower.indices.numpy(), [2, 3])
    assert x.median().item() == 2.0
    np.testing.assert_array_equal(lucid.median(x, dim=0).values.numpy(), [1, 4, 0, 1])


def test_median_gradient_splits_between_the_two_middles():
    x = t([4.0, 1.0, 3.0, 2.0], grad=True)
    lucid.median(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 0, 0.5, 0.5])


def test_unique():
    x = lucid.tensor([[3, 1], [2, 3], [1, 1]])
    np.testing.assert_array_equal(lucid.unique(x).numpy(), [1, 2, 3])
    values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(inverse.numpy(), [[2, 0], [1, 2], [0, 0]])
    np.testing.assert_array_equal(counts.numpy(), [3, 1, 2])
    values, counts = lucid.unique(x, return_counts=True)
    np.testing.assert_array_equal(counts.numpy(), [3, 1, 2])
    rows, inv = lucid.unique(lucid.tensor([[1, 2], [0, 1], [1, 2]]), dim=0, return_inverse=True)
    np.testing.assert_array_equal(rows.numpy(), [[0, 1], [1, 2]])
    np.testing.assert_array_equal(inv.numpy(), [1, 0, 1])
    f = lucid.unique(t([0.5, -1.0, 0.5]))
    assert f.dtype == lucid.float64
    np.testing.assert_array_equal(f.numpy(), [-1.0, 0.5])


def test_searchsorted_and_bucketize():
    seq = lucid.tensor([1, 3, 5, 7, 9])
    values = lucid.tensor([[3, 6, 9], [0, 10, 5]])
    np.testing.assert_array_equal(lucid.searchsorted(seq, values).numpy(),
                                  np.searchsorted(seq.numpy(), values.numpy()))
    np.testing.assert_array_equal(lucid.searchsorted(seq, values, side="right").numpy(),
                                  np.searchsorted(seq.numpy(), values.numpy(), side="right"))
    assert lucid.searchsorted(seq, 4).item() == 2
    rows = lucid.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    np.testing.assert_array_equal(
        lucid.searchsorted(rows, t([[4.0], [4.0]]), right=True).numpy(), [[2], [2]])
    np.testing.assert_array_equal(
        lucid.searchsorted(t([5.0, 1.0, 3.0]), t([2.0, 4.0]), sorter=lucid.tensor([1, 2, 0]))
        .numpy(), [1, 2])
    out = lucid.bucketize(t([0.5, 1.0, 2.5]), t([1.0, 2.0]))
    np.testing.assert_array_equal(out.numpy(), [0, 0, 2])
    assert lucid.bucketize(t([1.0]), t([1.0, 2.0]), right=True, out_int32=True).dtype == \
        lucid.int32
    with pytest.raises(ShapeError, match="searchsorted"):
        lucid.searchsorted(rows, t([1.0, 2.0, 3.0]))
