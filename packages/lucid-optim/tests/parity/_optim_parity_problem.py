"""The shared problem of the optimizer parity tests: a tiny tanh MLP on fixed data.

The loss and its gradient are computed here in NumPy float64, from whichever framework's
current parameters, so both optimizers see identical gradients whenever their
parameters are identical; every difference comes from the optimizer arithmetic.
"""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(1234)
X = _rng.standard_normal((16, 3))
Y = _rng.standard_normal((16, 2))
INIT = [_rng.standard_normal((3, 5)) * 0.5, _rng.standard_normal(5) * 0.1,
        _rng.standard_normal((5, 2)) * 0.5, _rng.standard_normal(2) * 0.1]


def loss_and_grads(params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """Mean squared error of ``tanh(X W1 + b1) W2 + b2`` against ``Y``, and its gradient."""
    w1, b1, w2, b2 = params
    h = np.tanh(X @ w1 + b1)
    r = h @ w2 + b2 - Y
    loss = float(np.mean(r ** 2))
    d_out = 2.0 * r / r.size
    d_pre = (d_out @ w2.T) * (1.0 - h ** 2)
    return loss, [X.T @ d_pre, d_pre.sum(0), h.T @ d_out, d_out.sum(0)]


# A strictly convex problem for LBFGS (quasi-Newton steps on the non-convex MLP amplify
# rounding differences chaotically): L2-regularised logistic regression, two outputs.
XC = _rng.standard_normal((32, 4))
YC = (_rng.random((32, 2)) < 1.0 / (1.0 + np.exp(-XC @ _rng.standard_normal((4, 2))))) * 1.0
INIT_CONVEX = [_rng.standard_normal((4, 2)), _rng.standard_normal(2)]
LAMBDA = 0.05


def convex_loss_and_grads(params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """``mean(softplus(z) - y z) + lambda/2 (|W|^2 + |b|^2)`` with ``z = X W + b``."""
    w, b = params
    z = XC @ w + b
    loss = float(np.mean(np.logaddexp(0.0, z) - YC * z)
                 + 0.5 * LAMBDA * (np.sum(w ** 2) + np.sum(b ** 2)))
    d_z = (1.0 / (1.0 + np.exp(-z)) - YC) / z.size
    return loss, [XC.T @ d_z + LAMBDA * w, d_z.sum(0) + LAMBDA * b]
