"""softmax, losses, embedding and dropout: numerical stability, PyTorch's edge-case
semantics, argument errors and the statistics of the random masks."""

import numpy as np
import pytest

import lucid

RNG = np.random.default_rng(0)


def test_softmax_is_stable_and_normalised():
    x = lucid.tensor([[1000.0, 1000.0, -1000.0], [0.0, 1.0, 2.0]])
    y = lucid.softmax(x, dim=1).numpy()
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(y[0], [0.5, 0.5, 0.0], atol=1e-7)
    ls = lucid.log_softmax(x, dim=1).numpy()
    assert np.isfinite(ls[0, :2]).all() and ls[0, 2] == pytest.approx(-2000 - np.log(2))
    assert x.softmax(1).shape == (2, 3) and x.log_softmax(-1).shape == (2, 3)


def test_softmax_second_derivative():
    x = lucid.tensor(RNG.standard_normal((2, 4)), requires_grad=True)
    (g,) = lucid.grad((lucid.softmax(x, 1) ** 3).sum(), [x], create_graph=True)
    (h,) = lucid.grad(g.sum(), [x])
    eps, base = 1e-6, x.numpy()

    def first(v):
        t = lucid.tensor(v, requires_grad=True)
        return lucid.grad((lucid.softmax(t, 1) ** 3).sum(), [t])[0].numpy().sum()

    num = np.zeros_like(base)
    for k in range(base.size):
        p, m = base.copy(), base.copy()
        p.reshape(-1)[k] += eps
        m.reshape(-1)[k] -= eps
        num.reshape(-1)[k] = (first(p) - first(m)) / (2 * eps)
    np.testing.assert_allclose(h.numpy(), num, rtol=1e-5, atol=1e-7)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cross_entropy_matches_log_of_uniform_and_ignore_semantics():
    x = lucid.zeros(3, 4)
    assert lucid.cross_entropy(x, lucid.tensor([0, 1, 2])).item() == pytest.approx(np.log(4))
    # ignored elements are excluded from the mean
    logits = lucid.tensor(RNG.standard_normal((3, 4)))
    full = lucid.cross_entropy(logits, lucid.tensor([1, 2, 3]), reduction="none").numpy()
    part = lucid.cross_entropy(logits, lucid.tensor([1, -100, 3])).item()
    assert part == pytest.approx((full[0] + full[2]) / 2)
    # everything ignored: 0/0 like PyTorch
    assert np.isnan(lucid.cross_entropy(logits, lucid.tensor([-100] * 3)).item())


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    x = lucid.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    lucid.cross_entropy(x, lucid.tensor([2, 0]), reduction="sum").backward()
    p = np.exp(x.numpy()) / np.exp(x.numpy()).sum(1, keepdims=True)
    p[0, 2] -= 1
    p[1, 0] -= 1
    np.testing.assert_allclose(x.grad.numpy(), p, rtol=1e-6)


def test_loss_errors():
    x = lucid.zeros(2, 3)
    with pytest.raises(lucid.ShapeError, match="target"):
        lucid.cross_entropy(x, lucid.tensor([0, 1, 2]))
    with pytest.raises(IndexError, match="out of bounds"):
        lucid.cross_entropy(x, lucid.tensor([0, 3]))
    with pytest.raises(ValueError, match="label_smoothing"):
        lucid.cross_entropy(x, lucid.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction"):
        lucid.nll_loss(x, lucid.tensor([0, 1]), reduction="avg")
    with pytest.raises(lucid.ShapeError, match="weight"):
        lucid.nll_loss(x, lucid.tensor([0, 1]), weight=lucid.ones(4))
    assert lucid.nll_loss(x, lucid.tensor([0, 1]), size_average=False).item() == 0


def test_embedding_padding_row_gets_no_gradient():
    w = lucid.tensor(RNG.standard_normal((4, 3)), requires_grad=True)
    idx = lucid.tensor([[0, 1, 1], [3, 0, 1]])
    y = lucid.embedding(idx, w, padding_idx=1)
    np.testing.assert_array_equal(y.numpy()[0, 1], w.numpy()[1])  # forward keeps the row
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[2] * 3, [0] * 3, [0] * 3, [1] * 3])
    with pytest.raises(IndexError, match="embedding"):
        lucid.embedding(lucid.tensor([4]), w)
    with pytest.raises(lucid.DTypeError):
        lucid.embedding(lucid.tensor([0.0]), w)


def test_dropout_statistics_and_gradient():
    lucid.manual_seed(0)
    x = lucid.ones(200, 500, requires_grad=True)
    y = lucid.dropout(x, p=0.3)
    v = y.numpy()
    zero = (v == 0).mean()
    assert abs(zero - 0.3) < 0.01
    np.testing.assert_allclose(v[v != 0], 1 / 0.7, rtol=1e-6)
    assert abs(v.mean() - 1) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), v)  # d(x*mask)/dx = mask


def test_dropout_modes_and_validation():
    x = lucid.tensor(RNG.standard_normal((4, 5)))
    assert lucid.dropout(x, 0.5, training=False) is x
    assert lucid.dropout(x, 0.0) is x
    np.testing.assert_array_equal(lucid.dropout(x, 1.0).numpy(), np.zeros((4, 5)))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            lucid.dropout(x, bad)
    lucid.manual_seed(3)
    a = lucid.dropout(x, 0.5).numpy()
    lucid.manual_seed(3)
    np.testing.assert_array_equal(lucid.dropout(x, 0.5).numpy(), a)


def test_channel_dropout_zeroes_whole_channels():
    lucid.manual_seed(1)
    y = lucid.dropout2d(lucid.ones(8, 16, 3, 3), p=0.5).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    assert lucid.dropout1d(lucid.ones(4, 5), 0.5).shape == (4, 5)  # unbatched (C, L)
    assert lucid.dropout3d(lucid.ones(2, 3, 2, 2, 2), 0.5).shape == (2, 3, 2, 2, 2)


def test_alpha_dropout_keeps_mean_and_variance():
    lucid.manual_seed(2)
    x = lucid.tensor(RNG.standard_normal(400_000))
    y = lucid.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1) < 0.01
    assert lucid.alpha_dropout(x, 0.2) is x  # training defaults to False
    z = lucid.feature_alpha_dropout(lucid.ones(4, 6, 5), 0.5, training=True).numpy()
    assert (z == z[..., :1]).all()
