"""A tiny tanh MLP on fixed data, trained with Lucid's autograd (shared by the tests)."""

from __future__ import annotations

import numpy as np

import lucid

_rng = np.random.default_rng(0)
X = _rng.standard_normal((12, 3))
Y = _rng.standard_normal((12, 2))
INIT = [_rng.standard_normal((3, 4)) * 0.5, np.zeros(4), _rng.standard_normal((4, 2)) * 0.5,
        np.zeros(2)]


def make_params(values=None):
    return [lucid.tensor(np.array(v), dtype=lucid.float64, requires_grad=True)
            for v in (values if values is not None else INIT)]


def loss_fn(params):
    w1, b1, w2, b2 = params
    x, y = lucid.tensor(X, dtype=lucid.float64), lucid.tensor(Y, dtype=lucid.float64)
    h = lucid.tanh(x @ w1 + b1)
    return (((h @ w2 + b2) - y) ** 2).mean()


def train_step(params, opt):
    """One step: a closure-based one for LBFGS, ``zero_grad/backward/step`` otherwise."""
    def closure():
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    if type(opt).__name__ == "LBFGS":
        return opt.step(closure)
    loss = closure()
    opt.step()
    return loss
