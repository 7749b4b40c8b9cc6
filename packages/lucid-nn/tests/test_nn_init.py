"""nn.init checked by distribution: bounds, moments over many draws; and layer defaults."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.nn as nn
from lucid.nn import init


def big(*shape):
    return nn.Parameter(lucid.empty(*shape))


def test_fans_and_gains():
    assert init._calculate_fan_in_and_fan_out(lucid.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(lucid.empty(8, 4, 3, 2)) == (24, 48)
    with pytest.raises(ValueError):
        init._calculate_fan_in_and_fan_out(lucid.empty(3))
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == 0.75
    assert init.calculate_gain("conv2d") == 1.0
    with pytest.raises(ValueError):
        init.calculate_gain("nope")


def _stats(t):
    a = t.numpy().astype(np.float64).ravel()
    return a.min(), a.max(), a.mean(), a.std()


def test_uniform_and_normal_moments():
    w = big(400, 500)
    returned = init.uniform_(w, -2.0, 3.0)
    assert returned is w and w.requires_grad and w.is_leaf
    lo, hi, mean, std = _stats(w)
    assert -2.0 <= lo and hi < 3.0 and abs(mean - 0.5) < 0.02
    assert abs(std - 5 / math.sqrt(12)) < 0.01
    init.normal_(w, 1.0, 0.5)
    _, _, mean, std = _stats(w)
    assert abs(mean - 1.0) < 0.01 and abs(std - 0.5) < 0.01


def test_constants_eye_dirac():
    w = big(3, 4)
    init.constant_(w, 0.25)
    assert np.all(w.numpy() == 0.25)
    init.zeros_(w)
    assert np.all(w.numpy() == 0)
    init.ones_(w)
    assert np.all(w.numpy() == 1)
    init.eye_(w)
    np.testing.assert_array_equal(w.numpy(), np.eye(3, 4))
    k = big(4, 2, 3, 3)
    init.dirac_(k, groups=2)
    out = lucid.conv2d(lucid.randn(1, 2, 5, 5), k, padding=1)
    assert out.shape == (1, 4, 5, 5)
    expect = np.zeros((4, 2, 3, 3))
    expect[0, 0, 1, 1] = expect[1, 1, 1, 1] = expect[2, 0, 1, 1] = expect[3, 1, 1, 1] = 1
    np.testing.assert_array_equal(k.numpy(), expect)


def test_xavier_and_kaiming_bounds_and_std():
    w = big(300, 200)
    init.xavier_uniform_(w, gain=2.0)
    bound = 2.0 * math.sqrt(6 / 500)
    lo, hi, mean, std = _stats(w)
    assert -bound <= lo and hi <= bound and abs(std - bound / math.sqrt(3)) < 0.01 * bound
    init.xavier_normal_(w)
    assert abs(_stats(w)[3] - math.sqrt(2 / 500)) < 0.02 * math.sqrt(2 / 500)
    init.kaiming_uniform_(w, a=0, mode="fan_in", nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / 200)
    lo, hi, _, std = _stats(w)
    assert -bound <= lo and hi <= bound and abs(std - bound / math.sqrt(3)) < 0.01 * bound
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(_stats(w)[3] - math.sqrt(2 / 300)) < 0.02 * math.sqrt(2 / 300)
    with pytest.raises(ValueError):
        init.kaiming_uniform_(w, mode="fan_middle")


def test_trunc_normal_bounds_and_moments():
    w = big(200, 300)
    init.trunc_normal_(w, mean=0.5, std=1.0, a=-0.5, b=1.0)
    lo, hi, mean, std = _stats(w)
    assert lo >= -0.5 and hi <= 1.0
    # moments of N(0.5, 1) truncated to [-0.5, 1.0]
    from math import erf, exp, pi, sqrt

    alpha, beta = -1.0, 0.5
    phi = lambda z: exp(-z * z / 2) / sqrt(2 * pi)
    cdf = lambda z: 0.5 * (1 + erf(z / sqrt(2)))
    z = cdf(beta) - cdf(alpha)
    want_mean = 0.5 + (phi(alpha) - phi(beta)) / z
    want_var = 1 + (alpha * phi(alpha) - beta * phi(beta)) / z - ((phi(alpha) - phi(beta)) / z) ** 2
    assert abs(mean - want_mean) < 0.01 and abs(std - math.sqrt(want_var)) < 0.01


def test_orthogonal():
    for shape in [(6, 4), (4, 6), (5, 2, 3)]:
        w = big(*shape)
        init.orthogonal_(w, gain=2.0)
        flat = w.numpy().reshape(shape[0], -1).astype(np.float64)
        if flat.shape[0] <= flat.shape[1]:
            np.testing.assert_allclose(flat @ flat.T, 4 * np.eye(flat.shape[0]), atol=1e-5)
        else:
            np.testing.assert_allclose(flat.T @ flat, 4 * np.eye(flat.shape[1]), atol=1e-5)


def test_seed_reproducible():
    lucid.random.seed(3)
    a = nn.Linear(4, 5).weight.numpy().copy()
    lucid.random.seed(3)
    b = nn.Linear(4, 5).weight.numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make,fan_in", [
    (lambda: nn.Linear(50, 400), 50),
    (lambda: nn.Conv2d(6, 400, 3), 54),
    (lambda: nn.Conv1d(4, 300, 5, groups=2), 10),
    (lambda: nn.ConvTranspose2d(300, 8, 3), 72),
])
def test_layer_default_init_matches_torch_rule(make, fan_in):
    layer = make()
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) and the bias rule coincide
    for t in (layer.weight, layer.bias):
        lo, hi, _, std = _stats(t)
        assert -bound <= lo and hi <= bound
    lo, hi, _, std = _stats(layer.weight)
    assert abs(std - bound / math.sqrt(3)) < 0.05 * bound
    assert hi > 0.9 * bound and lo < -0.9 * bound


def test_other_layer_defaults():
    emb = nn.Embedding(300, 100)
    _, _, mean, std = _stats(emb.weight)
    assert abs(mean) < 0.01 and abs(std - 1) < 0.01
    bn = nn.BatchNorm2d(5)
    assert np.all(bn.weight.numpy() == 1) and np.all(bn.bias.numpy() == 0)
    assert np.all(bn.running_var.numpy() == 1) and int(bn.num_batches_tracked.item()) == 0
    ln = nn.LayerNorm((2, 3))
    assert np.all(ln.weight.numpy() == 1) and ln.weight.shape == (2, 3)
    bil = nn.Bilinear(100, 3, 40)
    lo, hi, _, _ = _stats(bil.weight)
    assert -0.1 <= lo and hi <= 0.1
    assert np.all(nn.PReLU(3).weight.numpy() == 0.25)
