"""nn.utils: gradient clipping and parameter vectors (against NumPy)."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.nn as nn
from lucid.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)


def _with_grads(seed=0):
    rng = np.random.default_rng(seed)
    params = [nn.Parameter(lucid.zeros(3, 2)), nn.Parameter(lucid.zeros(4)),
              nn.Parameter(lucid.zeros(1))]
    grads = [rng.standard_normal(p.shape) * 3 for p in params]
    for p, g in zip(params, grads):
        p.grad = lucid.tensor(g.astype(np.float32))
    params[2].grad = None  # a parameter without gradient is skipped
    return params, grads[:2]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
def test_clip_grad_norm(norm_type):
    params, grads = _with_grads()
    flat = np.concatenate([g.ravel() for g in grads])
    want = np.abs(flat).max() if np.isinf(norm_type) else \
        (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    total = clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type)
    assert float(total.item()) == pytest.approx(want, rel=1e-5)
    coef = 1.0 / (want + 1e-6)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.numpy(), g * coef, rtol=1e-5)
    assert params[2].grad is None


def test_clip_grad_norm_no_clip_when_small():
    params, grads = _with_grads()
    clip_grad_norm_(params, max_norm=1e6)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-6)


def test_clip_grad_norm_nonfinite():
    p = nn.Parameter(lucid.zeros(2))
    p.grad = lucid.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    params, grads = _with_grads(1)
    clip_grad_value_(params, 0.5)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(p.grad.numpy(), np.clip(g, -0.5, 0.5), rtol=1e-6)


def test_parameters_vector_round_trip():
    net = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vec = parameters_to_vector(net.parameters())
    assert vec.shape == (net.count_parameters(),)
    np.testing.assert_array_equal(vec.numpy()[:6], net[0].weight.numpy().ravel())
    params = list(net.parameters())
    vector_to_parameters(lucid.arange(vec.shape[0]).astype(lucid.float32), net.parameters())
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    np.testing.assert_array_equal(net[0].bias.numpy(), [6.0, 7.0])
    with pytest.raises(lucid.ShapeError):
        vector_to_parameters(lucid.zeros(3), net.parameters())
