"""Explain mode on a small MLP against torch: every gradient explain reports as sent to a
leaf has the norm of torch's gradient of that parameter."""

import io

import numpy as np
import torch

import lucid


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    w1 = rng.standard_normal((3, 5)).astype(np.float32)
    b1 = rng.standard_normal(5).astype(np.float32)
    w2 = rng.standard_normal((5, 1)).astype(np.float32)
    return x, w1, b1, w2


def test_leaf_gradients_reported_match_torch():
    x, w1, b1, w2 = _mlp()
    lw1, lb1, lw2 = (lucid.tensor(a, requires_grad=True) for a in (w1, b1, w2))
    loss = (lucid.tanh(lucid.tensor(x) @ lw1 + lb1) @ lw2).sum()
    steps = lucid.explain(loss, file=io.StringIO())
    assert [s.op for s in steps] == ["sum", "matmul", "tanh", "add", "matmul"]
    tw1, tb1, tw2 = (torch.tensor(a, requires_grad=True) for a in (w1, b1, w2))
    (torch.tanh(torch.tensor(x) @ tw1 + tb1) @ tw2).sum().backward()
    # each gradient sent to a leaf has the norm of that leaf's .grad, which matches torch
    to_leaf = {g.shape: g.norm for s in steps for g in s.grad_inputs if g.label.endswith("leaf")}
    for leaf, ref in ((lw1, tw1), (lb1, tb1), (lw2, tw2)):
        np.testing.assert_allclose(leaf.grad.numpy(), ref.grad.numpy(), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(to_leaf[tuple(leaf.shape)],
                                   np.linalg.norm(ref.grad.numpy()), rtol=1e-4)
