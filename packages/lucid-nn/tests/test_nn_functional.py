"""nn.functional against independent references (NumPy), random layers by statistics,
and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F


def test_pad_tuple_is_last_dim_first():
    x = lucid.tensor(np.arange(6.0).reshape(2, 3))
    out = F.pad(x, (1, 2))
    np.testing.assert_array_equal(out.numpy(), np.pad(np.arange(6.0).reshape(2, 3),
                                                      ((0, 0), (1, 2))))
    out = F.pad(x, (0, 1, 2, 0), value=9.0)
    assert out.shape == (4, 4) and out.numpy()[0, 0] == 9.0
    with pytest.raises(ValueError):
        F.pad(x, (1, 2, 3))
    with pytest.raises(ValueError):
        F.pad(x, (1, 1), mode="mirror")


def test_dropout_statistics_and_eval():
    lucid.random.seed(0)
    x = lucid.ones(200, 500)
    y = F.dropout(x, 0.3, training=True).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert F.dropout(x, 0.3, training=False) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0)
    with pytest.raises(ValueError):
        F.dropout(x, 1.5)
    layer = nn.Dropout(0.5)
    layer.eval()
    assert layer(x) is x


def test_channel_dropout_zeroes_whole_channels():
    lucid.random.seed(1)
    y = F.dropout2d(lucid.ones(8, 16, 3, 3), 0.5).numpy()
    per_channel = y.reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    y1 = nn.Dropout1d(0.5)(lucid.ones(4, 6, 5)).numpy()
    assert np.all((y1 == 0).all(-1) | (y1 == 2).all(-1))
    with pytest.raises(ValueError):
        F.dropout2d(lucid.ones(3, 3), 0.5)


def test_alpha_dropout_keeps_moments():
    lucid.random.seed(2)
    x = lucid.randn(400, 500)
    y = F.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02


def test_drop_path():
    lucid.random.seed(3)
    x = lucid.ones(1000, 4)
    y = F.drop_path(x, 0.25, training=True).numpy()
    rows = y[:, 0]
    assert np.all(y == rows[:, None])
    assert abs((rows == 0).mean() - 0.25) < 0.05
    np.testing.assert_allclose(rows[rows != 0], 1 / 0.75, rtol=1e-6)
    assert nn.DropPath(0.5).eval()(x) is x


def test_one_hot_and_embedding_errors():
    out = F.one_hot(lucid.tensor([0, 2, 1]), 4)
    np.testing.assert_array_equal(out.numpy(), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(lucid.tensor([1, 3])).shape == (2, 4)
    emb = nn.Embedding(4, 2)
    with pytest.raises(TypeError):
        emb(lucid.tensor([0.5]))
    with pytest.raises(ValueError):
        nn.Embedding(4, 2, padding_idx=7)


def test_embedding_padding_row_gets_no_grad():
    emb = nn.Embedding(5, 3, padding_idx=0)
    emb(lucid.tensor([[0, 2, 0], [4, 2, 1]])).sum().backward()
    g = emb.weight.grad.numpy()
    np.testing.assert_array_equal(g[0], 0)
    np.testing.assert_array_equal(g[2], 2)
    np.testing.assert_array_equal(g[3], 0)


def test_softmax_family_against_numpy():
    a = np.random.default_rng(0).standard_normal((3, 5))
    x = lucid.tensor(a)
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(F.softmax(x, 1).numpy(), e / e.sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(F.log_softmax(x, dim=1).numpy(),
                               np.log(e / e.sum(1, keepdims=True)), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(F.softmax(x, 0).numpy().sum(0), np.ones(5), rtol=1e-6)


def test_activations_against_numpy():
    a = np.linspace(-6, 6, 41)
    x = lucid.tensor(a)
    np.testing.assert_allclose(F.relu(x).numpy(), np.maximum(a, 0))
    np.testing.assert_allclose(F.relu6(x).numpy(), np.clip(a, 0, 6))
    np.testing.assert_allclose(F.leaky_relu(x, 0.1).numpy(), np.where(a > 0, a, 0.1 * a))
    np.testing.assert_allclose(F.elu(x).numpy(), np.where(a > 0, a, np.expm1(a)))
    np.testing.assert_allclose(F.silu(x).numpy(), a / (1 + np.exp(-a)), rtol=1e-12)
    np.testing.assert_allclose(F.softplus(x, beta=2, threshold=4).numpy(),
                               np.where(2 * a > 4, a, np.log1p(np.exp(2 * a)) / 2), rtol=1e-12)
    np.testing.assert_allclose(F.hardswish(x).numpy(), a * np.clip(a + 3, 0, 6) / 6,
                               atol=1e-12)
    np.testing.assert_allclose(F.hardsigmoid(x).numpy(), np.clip(a / 6 + 0.5, 0, 1), atol=1e-12)
    with pytest.raises(ValueError):
        F.gelu(x, approximate="fast")
    with pytest.raises(ValueError):
        nn.GELU("fast")


def test_relu_inplace():
    x = lucid.tensor([-1.0, 2.0])
    out = nn.ReLU(inplace=True)(x)
    assert out is x and x.numpy().tolist() == [0.0, 2.0]
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


def test_loss_reduction_errors_and_shapes():
    a, b = lucid.ones(2, 3), lucid.zeros(2, 3)
    with pytest.raises(ValueError):
        nn.MSELoss(reduction="average")
    with pytest.raises(ValueError):
        F.mse_loss(a, b, reduction="average")
    with pytest.raises(lucid.ShapeError):
        F.mse_loss(a, lucid.zeros(3, 2))
    assert F.l1_loss(a, b, reduction="none").shape == (2, 3)
    assert F.l1_loss(a, b, reduction="sum").item() == 6.0
    with pytest.raises(lucid.ShapeError):
        F.cross_entropy(lucid.ones(2, 3), lucid.tensor([0, 1, 2]))
    with pytest.raises(ValueError):
        F.cross_entropy(lucid.ones(2, 3), lucid.tensor([0, 1]), label_smoothing=2.0)


def test_linear_shape_error_names_shapes():
    with pytest.raises(lucid.ShapeError, match=r"\(2, 4\)"):
        nn.Linear(3, 5)(lucid.ones(2, 4))


def test_conv_layer_argument_errors():
    with pytest.raises(ValueError, match="groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="same"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(lucid.ShapeError):
        nn.BatchNorm2d(3)(lucid.ones(2, 3, 4))
    with pytest.raises(ValueError):
        nn.BatchNorm1d(3)(lucid.ones(1, 3))  # one value per channel in training


def test_interpolate_errors():
    x = lucid.ones(1, 1, 4, 4)
    with pytest.raises(ValueError):
        F.interpolate(x)
    with pytest.raises(ValueError):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(ValueError):
        F.interpolate(x, size=8, mode="linear")
    with pytest.raises(ValueError):
        F.interpolate(x, size=8, mode="nearest", align_corners=True)


def test_layer_reprs():
    assert repr(nn.Conv1d(2, 3, 3, padding="same", bias=False)) == \
        "Conv1d(2, 3, kernel_size=(3,), stride=(1,), padding=same, bias=False)"
    assert repr(nn.BatchNorm1d(4)) == \
        "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, " \
        "track_running_stats=True)"
    assert repr(nn.LayerNorm(4)) == \
        "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.MaxPool2d(2)) == \
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"
    assert repr(nn.GELU()) == "GELU(approximate='none')"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.ZeroPad2d(1)) == "ZeroPad2d((1, 1, 1, 1))"
