"""Forward pre-hooks, forward hooks and full backward hooks, with removable handles."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.nn as nn
from lucid.errors import DTypeError, ShapeError


class Scale(nn.Module):
    """``y = 3 x``, so ``grad_input = 3 * grad_output`` is easy to check."""

    def forward(self, x):
        return x * 3.0


class Add(nn.Module):
    def forward(self, x, y):
        return x + y * 2.0, x * y


def test_forward_pre_hook_can_replace_args_and_be_removed():
    m = Scale()
    calls = []

    def hook(module, args):
        calls.append(module)
        return (args[0] + 1.0,)

    handle = m.register_forward_pre_hook(hook)
    assert m(lucid.tensor([1.0])).item() == 6.0
    assert calls == [m]
    handle.remove()
    assert m(lucid.tensor([1.0])).item() == 3.0
    handle.remove()  # removing twice is harmless


def test_forward_pre_hook_single_value_and_kwargs():
    m = Scale()
    m.register_forward_pre_hook(lambda mod, args: args[0] * 2.0)  # non-tuple result
    assert m(lucid.tensor([1.0])).item() == 6.0
    m2 = Scale()

    def kw_hook(mod, args, kwargs):
        return (args[0] - 1.0,), kwargs

    m2.register_forward_pre_hook(kw_hook, with_kwargs=True)
    assert m2(lucid.tensor([2.0])).item() == 3.0


def test_forward_hook_sees_and_replaces_output():
    m = Scale()
    seen = []

    def hook(module, args, output):
        seen.append((args[0].item(), output.item()))
        return output * 10.0

    with m.register_forward_hook(hook):
        assert m(lucid.tensor([2.0])).item() == 60.0
    assert seen == [(2.0, 6.0)]
    assert m(lucid.tensor([2.0])).item() == 6.0  # removed by the context manager


def test_hook_order_and_prepend():
    m = Scale()
    order = []
    m.register_forward_hook(lambda *a: order.append("first"))
    m.register_forward_hook(lambda *a: order.append("second"))
    m.register_forward_hook(lambda *a: order.append("zeroth"), prepend=True)
    m(lucid.tensor([1.0]))
    assert order == ["zeroth", "first", "second"]


def test_full_backward_hook_receives_input_and_output_grads():
    m = Scale()
    got = {}

    def hook(module, grad_input, grad_output):
        got["in"] = [g.numpy().copy() for g in grad_input]
        got["out"] = [g.numpy().copy() for g in grad_output]

    handle = m.register_full_backward_hook(hook)
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    (m(x) * lucid.tensor([5.0, 7.0])).sum().backward()
    np.testing.assert_allclose(got["out"][0], [5.0, 7.0])
    np.testing.assert_allclose(got["in"][0], [15.0, 21.0])
    np.testing.assert_allclose(x.grad.numpy(), [15.0, 21.0])
    handle.remove()
    got.clear()
    m(x).sum().backward()
    assert got == {}


def test_full_backward_hook_can_replace_grad_input():
    m = Scale()
    m.register_full_backward_hook(lambda mod, gin, gout: (gin[0] * 0.0 + 1.0,))
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    m(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_full_backward_hook_multiple_inputs_outputs():
    m = Add()
    got = {}

    def hook(module, grad_input, grad_output):
        got["in"] = grad_input
        got["out"] = grad_output

    m.register_full_backward_hook(hook)
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = lucid.tensor([3.0, 4.0], requires_grad=True)
    a, b = m(x, y)
    (a.sum() + (b * 2.0).sum()).backward()
    np.testing.assert_allclose(got["out"][0].numpy(), [1.0, 1.0])
    np.testing.assert_allclose(got["out"][1].numpy(), [2.0, 2.0])
    np.testing.assert_allclose(got["in"][0].numpy(), 1.0 + 2.0 * y.numpy())
    np.testing.assert_allclose(got["in"][1].numpy(), 2.0 + 2.0 * x.numpy())


def test_full_backward_hook_when_input_needs_no_grad():
    lin = nn.Linear(2, 1)
    got = {}
    lin.register_full_backward_hook(lambda m, gin, gout: got.update(gin=gin, gout=gout))
    lin(lucid.ones(3, 2)).sum().backward()
    assert got["gin"] == (None,)
    np.testing.assert_allclose(got["gout"][0].numpy(), np.ones((3, 1)))
    assert lin.weight.grad is not None


def test_backward_pre_hook_replaces_grad_output():
    m = Scale()
    m.register_full_backward_pre_hook(lambda mod, gout: (gout[0] * 2.0,))
    x = lucid.tensor([1.0], requires_grad=True)
    m(x).sum().backward()
    assert x.grad.item() == pytest.approx(6.0)


def test_hooks_in_nested_model_fire_per_layer():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    shapes = []
    for layer in net:
        layer.register_full_backward_hook(
            lambda m, gin, gout: shapes.append((type(m).__name__, gout[0].shape)))
    x = lucid.randn(5, 3, requires_grad=True)
    net(x).sum().backward()
    assert shapes == [("Linear", (5, 2)), ("ReLU", (5, 4)), ("Linear", (5, 4))]
    assert x.grad.shape == (5, 3)


def test_full_backward_hook_returning_a_wrong_shape_is_refused():
    m = nn.Linear(3, 2)
    x = lucid.randn(4, 3, requires_grad=True)

    def shrink(mod, gin, gout):
        return (gin[0][:2],)

    m.register_full_backward_hook(shrink)
    with pytest.raises(ShapeError, match="shrink.*grad_input\\[0\\] of shape \\(2, 3\\)"):
        m(x).sum().backward()


def test_full_backward_hook_returning_the_wrong_number_of_gradients_is_refused():
    m = nn.Linear(3, 2)
    x = lucid.randn(4, 3, requires_grad=True)

    def two(mod, gin, gout):
        return (gin[0], gin[0])

    m.register_full_backward_hook(two)
    with pytest.raises(ValueError, match="two returned 2 gradients for grad_input, expected 1"):
        m(x).sum().backward()


def test_full_backward_pre_hook_returning_a_wrong_dtype_is_refused():
    m = nn.Linear(3, 2)
    x = lucid.randn(4, 3, requires_grad=True)

    def double(mod, gout):
        return (gout[0].astype(lucid.float64),)

    m.register_full_backward_pre_hook(double)
    with pytest.raises(DTypeError, match="double.*grad_output\\[0\\] of dtype lucid.float64"):
        m(x).sum().backward()
