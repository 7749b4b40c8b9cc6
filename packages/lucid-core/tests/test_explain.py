"""Explain mode: the steps are the backward pass's nodes in run order, the printed gradients
are the ones the engine delivers (checked against .grad and hand-derived gradients), each op's rule
comes from its docstring, and a normal backward is untouched afterwards."""

import io

import numpy as np

import lucid
from lucid.autograd import engine


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    w1 = rng.standard_normal((3, 5)).astype(np.float32)
    b1 = rng.standard_normal(5).astype(np.float32)
    w2 = rng.standard_normal((5, 1)).astype(np.float32)
    return x, w1, b1, w2


def test_steps_follow_the_chain_rule_and_match_hand_gradients():
    x, w1, b1, w2 = _mlp()
    lw1, lb1, lw2 = (lucid.tensor(a, requires_grad=True) for a in (w1, b1, w2))
    loss = (lucid.tanh(lucid.tensor(x) @ lw1 + lb1) @ lw2).sum()
    out = io.StringIO()
    steps = lucid.explain(loss, file=out)
    assert [s.op for s in steps] == ["sum", "matmul", "tanh", "add", "matmul"]
    h = np.tanh(x @ w1 + b1)  # by hand: dh = 1 w2^T, dz = dh (1 - h^2)
    dz = np.ones((4, 1), np.float32) @ w2.T * (1 - h * h)
    refs = (x.T @ dz, dz.sum(axis=0), h.T @ np.ones((4, 1), np.float32))
    # each gradient sent to a leaf has the norm of that leaf's .grad, which matches torch
    to_leaf = {g.shape: g.norm for s in steps for g in s.grad_inputs if g.label.endswith("leaf")}
    for leaf, ref in zip((lw1, lb1, lw2), refs):
        np.testing.assert_allclose(leaf.grad.numpy(), ref, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(to_leaf[tuple(leaf.shape)], np.linalg.norm(ref), rtol=1e-4)
    # the gradient a node sends on is the one the next node receives
    for upstream, downstream in zip(steps, steps[1:]):
        sent = [g for g in upstream.grad_inputs if g.label.endswith("(node)")]
        np.testing.assert_allclose(sent[0].norm, downstream.grad_outputs[0].norm, rtol=1e-6)
    text = out.getvalue()
    assert "matmul: ((4,3), (3,5)) -> (4,5)" in text
    assert "dX = dZ @ Y^T, dY = X^T @ dZ" in text  # MatMul's docstring
    assert "dx = dy * (1 - y^2)" in text  # Tanh's docstring


def test_broadcast_gradient_is_reported_summed_to_the_input_shape():
    b = lucid.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    steps = lucid.explain((lucid.ones((4, 3)) * 2.0 + b).sum(), quiet=True)
    add = next(s for s in steps if s.op == "add")
    g = next(g for g in add.grad_inputs if g.label.endswith("leaf"))
    assert g.shape == (3,)
    np.testing.assert_allclose(g.norm, np.linalg.norm(b.grad.numpy()))
    np.testing.assert_allclose(b.grad.numpy(), [4.0, 4.0, 4.0])


def test_model_names_the_parameters_and_context_manager_form():
    nn = __import__("lucid.nn", fromlist=["Linear"])
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    loss = model(lucid.randn(5, 3)).sum()
    with lucid.explaining(model=model, quiet=True) as steps:
        loss.backward()
    labels = [g.label for s in steps for g in s.grad_inputs]
    assert any(label.endswith("2.bias") for label in labels)
    assert any(label.endswith("0.bias") for label in labels)
    assert steps[0].op == "sum"


def test_normal_backward_is_untouched_after_explaining():
    before = engine._run_vjp
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    lucid.explain((x * x).sum(), quiet=True)
    assert engine._run_vjp is before
    y = lucid.tensor([3.0], requires_grad=True)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [6.0])


def test_create_graph_gradients_are_explained_too():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x * x).sum()
    (g,) = lucid.grad(y, [x], create_graph=True)
    steps = lucid.explain(g.sum(), quiet=True)
    assert steps and all(s.op for s in steps)
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])  # d/dx sum(3x^2) = 6x


def test_every_differentiable_op_has_a_rule_to_show():
    from lucid.autograd.explain import op_rule
    from lucid.ops.registry import OPS

    rules = {name: op_rule(op) for name, op in OPS.items() if op.differentiable}
    assert all(forward for forward, _ in rules.values())
    assert rules["relu"] == ("y = max(x, 0)", "dx = 0 if y <= 0 else dy")
    assert rules["eigh"][1]  # "forward. VJP: ..." docstrings are split too
    with_vjp = sum(1 for _, vjp in rules.values() if vjp)
    assert with_vjp >= len(rules) - 2  # conv_weight_grad states its VJP in prose
