"""lucid.histogram / histogram2d / histogramdd against NumPy, histc against PyTorch."""

import numpy as np
import pytest
import torch

import lucid

RNG = np.random.default_rng(0)
X = RNG.standard_normal(1000)


@pytest.mark.parametrize("kw", [dict(bins=10), dict(bins=7, range=(-1, 1)),
                                dict(bins=5, density=True), dict(bins=[-3, -1, 0, 0.5, 2]),
                                dict(bins=6, weights=RNG.random(1000))])
def test_histogram_matches_numpy(kw):
    args = {k: (lucid.tensor(v) if k == "weights" else v) for k, v in kw.items()}
    hist, edges = lucid.histogram(lucid.tensor(X), **args)
    want, want_edges = np.histogram(X, **kw)
    np.testing.assert_allclose(hist.numpy(), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(edges.numpy(), want_edges, rtol=1e-12)
    if not kw.get("density") and "weights" not in kw:
        assert hist.dtype == lucid.int64


def test_histogram_float32_edges_and_exact_bounds():
    x32 = X.astype("float32")
    hist, edges = lucid.histogram(lucid.tensor(x32), bins=13)
    np.testing.assert_array_equal(hist.numpy(), np.histogram(x32, bins=13)[0])
    assert edges.dtype == lucid.float32
    # the max lands in the last bin (closed on the right); out of range and NaN are skipped
    hist, _ = lucid.histogram(lucid.tensor([0.0, 4.0, 5.0, float("nan"), -1.0, 2.0]), 2,
                              range=(0, 4))
    assert hist.tolist() == [1, 2]
    assert lucid.histogram(lucid.tensor([3.0, 3.0]), 2)[1].tolist() == [2.5, 3.0, 3.5]


def test_histogram2d_and_dd_match_numpy():
    a, b = RNG.standard_normal(500), RNG.standard_normal(500)
    hist, (xe, ye) = lucid.histogram2d(lucid.tensor(a), lucid.tensor(b), bins=(4, 6),
                                       range=[(-2, 2), (-3, 3)])
    want, wxe, wye = np.histogram2d(a, b, bins=(4, 6), range=[(-2, 2), (-3, 3)])
    np.testing.assert_array_equal(hist.numpy(), want)
    np.testing.assert_allclose(xe.numpy(), wxe)
    np.testing.assert_allclose(ye.numpy(), wye)
    s = RNG.standard_normal((300, 3))
    hist, edges = lucid.histogramdd(lucid.tensor(s), bins=[3, 4, 5], density=True)
    want, want_edges = np.histogramdd(s, bins=[3, 4, 5], density=True)
    np.testing.assert_allclose(hist.numpy(), want, rtol=1e-12)
    for e, w in zip(edges, want_edges):
        np.testing.assert_allclose(e.numpy(), w)


def test_histc_matches_torch():
    x = X.astype("float32")
    for kw in (dict(bins=9, min=-2, max=2), dict(bins=4)):
        np.testing.assert_array_equal(lucid.histc(lucid.tensor(x), **kw).numpy(),
                                      torch.histc(torch.tensor(x), **kw).numpy())


def test_bad_arguments():
    x = lucid.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="bins"):
        lucid.histogram(x, bins=0)
    with pytest.raises(ValueError, match="min <= max"):
        lucid.histogram(x, range=(3, 1))
    with pytest.raises(ValueError, match="not finite"):
        lucid.histogram(lucid.tensor([1.0, float("nan")]))
    with pytest.raises(ValueError, match="increase"):
        lucid.histogram(x, bins=[0.0, 2.0, 1.0])
    with pytest.raises(lucid.ShapeError, match="one shape"):
        lucid.histogram2d(x, lucid.tensor([1.0]))
