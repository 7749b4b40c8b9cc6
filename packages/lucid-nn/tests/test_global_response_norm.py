"""GlobalResponseNorm / F.global_response_norm against a NumPy transcription of the ConvNeXt V2
paper's formula (eq. 1-3), gradients by finite differences, errors, both layouts."""

import numpy as np
import pytest

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.nn import functional as F


def grn_numpy(x, gamma, beta, eps=1e-6):
    """Paper, eq. 1-3, channels-first: G = ||x_c||_2 over (H, W); N = G / mean_c G."""
    g = np.sqrt((x ** 2).sum(axis=(2, 3), keepdims=True))
    n = g / (g.mean(axis=1, keepdims=True) + eps)
    return x + gamma[None, :, None, None] * (x * n) + beta[None, :, None, None]


def test_matches_formula_both_layouts():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 4, 3))
    gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
    want = grn_numpy(x, gamma, beta)
    got = F.global_response_norm(lucid.tensor(x), lucid.tensor(gamma), lucid.tensor(beta))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-7)
    got_last = F.global_response_norm(lucid.tensor(x.transpose(0, 2, 3, 1)), lucid.tensor(gamma),
                                      lucid.tensor(beta), channels_last=True)
    np.testing.assert_allclose(got_last.numpy().transpose(0, 3, 1, 2), want, rtol=1e-6,
                               atol=1e-7)


def test_module_starts_as_identity_and_holds_c_shaped_zero_params():
    layer = nn.GlobalResponseNorm(6)
    assert dict((k, tuple(v.shape)) for k, v in layer.state_dict().items()) == {
        "weight": (6,), "bias": (6,)}
    x = lucid.randn(2, 6, 3, 3)
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((1, 3, 2, 2))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    x = lucid.tensor(x0, requires_grad=True)
    w = lucid.tensor(gamma, requires_grad=True)
    F.global_response_norm(x, w, lucid.tensor(beta)).sum().backward()
    h = 1e-6
    num_x = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        d = np.zeros_like(x0)
        d[i] = h
        num_x[i] = (grn_numpy(x0 + d, gamma, beta).sum()
                    - grn_numpy(x0 - d, gamma, beta).sum()) / (2 * h)
    num_w = np.array([(grn_numpy(x0, gamma + h * e, beta).sum()
                       - grn_numpy(x0, gamma - h * e, beta).sum()) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(x.grad.numpy(), num_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), num_w, rtol=1e-5, atol=1e-6)


def test_bad_input_raises_shape_error():
    with pytest.raises(ShapeError, match="global_response_norm"):
        F.global_response_norm(lucid.randn(2, 3, 4))
    with pytest.raises(ShapeError, match=r"weight must have shape \(3,\)"):
        F.global_response_norm(lucid.randn(2, 3, 4, 4), lucid.zeros(4))


def test_nan_stays_nan():
    x = lucid.tensor(np.array([[[[np.nan, 1.0]], [[2.0, 3.0]]]]))
    y = nn.GlobalResponseNorm(2)(x).numpy()
    assert np.isnan(y[0, 0, 0, 0])
