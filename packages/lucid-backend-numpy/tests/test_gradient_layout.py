"""A weight's gradient comes out in the weight's layout (row-major), as in PyTorch: the
``linear`` op computes ``dW = dy^T x`` directly instead of transposing ``x^T dy``, so the
optimizer's passes over it read memory in order."""

import numpy as np
import pytest

import lucid
import lucid.nn as nn

pytestmark = pytest.mark.usefixtures("numpy_serves_cpu")  # conftest.py


@pytest.mark.parametrize("lead", [(6,), (2, 3)])
def test_linear_weight_gradient_is_row_major_and_exact(lead):
    layer = nn.Linear(7, 5)
    x = np.random.default_rng(0).standard_normal(lead + (7,)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal(lead + (5,)).astype(np.float32)
    layer(lucid.tensor(x)).backward(lucid.tensor(g))
    grad = layer.weight.grad._data  # the native array: its layout is what is tested
    assert grad.flags.c_contiguous
    flat_x, flat_g = x.reshape(-1, 7).astype(np.float64), g.reshape(-1, 5).astype(np.float64)
    np.testing.assert_allclose(grad, flat_g.T @ flat_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.grad.numpy(), flat_g.sum(0), rtol=1e-5, atol=1e-6)
