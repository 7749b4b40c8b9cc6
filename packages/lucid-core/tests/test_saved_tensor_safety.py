"""Saved-tensor safety (version counters), gradient shape checks, and what the graph keeps.

Every case that PyTorch refuses is refused here with an error naming the op or hook; the
legitimate in-place patterns give the gradients computed by hand.
"""

import gc
import weakref

import numpy as np
import pytest

import lucid
from lucid.errors import DeviceMismatchError, DTypeError, ShapeError


def _leaf(*values):
    return lucid.tensor(list(values), requires_grad=True)


@pytest.mark.parametrize("modify", [
    lambda x: x.mul_(2.0),
    lambda x: x.exp_(),
    lambda x: x.zero_(),
    lambda x: x.__setitem__(0, 5.0),
    lambda x: x.add_(1.0),
    lambda x: x.clamp_(0.0, 1.0),
])
def test_modifying_a_saved_input_in_place_refuses_backward(modify):
    a, w = _leaf(1.0, 2.0), _leaf(3.0, 4.0)
    x = a * 1.0
    y = x * w  # mul saves x
    modify(x)
    with pytest.raises(RuntimeError, match="op 'mul'.*modified by an in-place operation"):
        y.sum().backward()


def test_modifying_a_saved_output_in_place_refuses_backward():
    a = _leaf(0.5, 1.0)
    y = a.exp()  # exp saves its output
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="op 'exp'.*its output"):
        y.sum().backward()


def test_update_of_a_leaf_under_no_grad_between_forward_and_backward():
    w, x = _leaf(1.0, 2.0), lucid.tensor([3.0, 4.0])
    loss = (w * x * w).sum()
    with lucid.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError, match="op 'mul'.*version 1"):
        loss.backward()


def test_set_bumps_the_version_and_is_refused_like_any_write():
    w = _leaf(1.0, 2.0)
    loss = (w * w).sum()
    with lucid.no_grad():
        w.set_(w.data * 2)
    assert w._version == 1
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


def test_in_place_ops_that_only_need_shapes_are_allowed():
    a, b = _leaf(1.0, 2.0), _leaf(3.0, 4.0)
    x = a + b  # add saves nothing
    y = x.reshape(2, 1)  # reshape saves nothing
    z = y * 2.0
    x.zero_()  # nobody needs x's values
    z.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])


def test_in_place_op_keeps_its_own_snapshot():
    """``y.mul_(w)`` needs the old ``y`` for ``dw``: by hand, dL/dw = 2a, dL/da = 2w."""
    a, w = _leaf(1.0, 2.0), _leaf(5.0, 7.0)
    y = a * 2.0
    y.mul_(w)
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(a.grad.numpy(), [10.0, 14.0])


def test_chained_in_place_ops_give_the_hand_computed_gradient():
    """y = sin(2a) then y += a then y *= 3: dL/da = 3 * (2 cos(2a) + 1). (With exp instead
    of sin, exp's saved output would be modified: refused, as in PyTorch.)"""
    a = _leaf(0.1, -0.3)
    y = (a * 2.0).sin()
    y.add_(a)
    y.mul_(3.0)
    y.sum().backward()
    expected = 3 * (2 * np.cos(2 * np.array([0.1, -0.3])) + 1)
    np.testing.assert_allclose(a.grad.numpy(), expected, rtol=1e-6)


def test_tensor_hook_returning_a_wrong_shape_is_refused():
    a = _leaf(1.0, 2.0)
    y = a * 3.0

    def bad_hook(g):
        return g.sum()

    y.register_hook(bad_hook)
    with pytest.raises(ShapeError, match="bad_hook.*shape \\(\\).*expected \\(2,\\)"):
        (y * y).sum().backward()
    assert a.grad is None


def test_leaf_hook_returning_a_wrong_dtype_is_refused():
    a = _leaf(1.0, 2.0)

    def to_double(g):
        return g.astype(lucid.float64)

    a.register_hook(to_double)
    with pytest.raises(DTypeError, match="to_double.*float64"):
        (a * a).sum().backward()


def test_hook_returning_a_non_tensor_is_refused():
    a = _leaf(1.0, 2.0)
    a.register_hook(lambda g: g.numpy())
    with pytest.raises(TypeError, match="returned ndarray"):
        (a * a).sum().backward()


def test_hook_replacement_of_the_right_shape_is_used():
    a = _leaf(1.0, 2.0)
    y = a * 3.0
    y.register_hook(lambda g: g * 10.0)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [30.0, 30.0])


def test_assigning_grad_checks_shape_dtype_and_type():
    a = _leaf(1.0, 2.0)
    with pytest.raises(ShapeError, match="shape \\(3,\\).*\\(2,\\)"):
        a.grad = lucid.zeros(3)
    with pytest.raises(DTypeError, match="float64"):
        a.grad = lucid.zeros(2, dtype=lucid.float64)
    with pytest.raises(TypeError, match="list"):
        a.grad = [0.0, 0.0]
    a.grad = lucid.ones(2)
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])
    a.grad = None
    assert a.grad is None


def test_grad_on_another_device_is_refused_when_a_gpu_exists():
    if "gpu" not in lucid.backends.binding() and not _has_gpu():
        pytest.skip("no GPU device on this machine")
    a = _leaf(1.0, 2.0)
    with pytest.raises(DeviceMismatchError):
        a.grad = lucid.zeros(2, device="gpu")


def _has_gpu() -> bool:
    try:
        lucid.zeros(1, device="gpu")
        return True
    except Exception:
        return False


def test_backward_accumulates_into_the_same_grad_tensor():
    a = _leaf(1.0, 2.0)
    (a * a).sum().backward()
    first = a.grad
    (a * 3.0).sum().backward()
    assert a.grad is first
    np.testing.assert_array_equal(a.grad.numpy(), [5.0, 7.0])


def test_ops_keep_only_what_their_vjp_reads():
    """``add`` saves nothing, so its inputs' arrays die with their tensors; ``mul``
    saves its inputs, so they stay alive until backward frees the graph."""
    p = _leaf(1.0, 2.0, 3.0)
    h = p * 2.0
    ref = weakref.ref(h.data)
    y = h + 1.0
    del h
    gc.collect()
    assert ref() is None
    h = p * 2.0
    ref = weakref.ref(h.data)
    z = h * y
    del h
    gc.collect()
    assert ref() is not None
    z.sum().backward()
    gc.collect()
    assert ref() is None


def test_second_backward_after_free_still_names_the_op():
    a = _leaf(1.0, 2.0)
    y = (a * a).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_create_graph_through_an_in_place_op():
    """d/da of d/da [sum((2a) * a)] with an in-place step: y = 2a; y.mul_(a) -> 2a^2;
    first derivative 4a, second 4."""
    a = _leaf(1.5, -2.0)
    y = a * 2.0
    y.mul_(a)
    (g,) = lucid.grad(y.sum(), [a], create_graph=True)
    np.testing.assert_allclose(g.numpy(), [6.0, -8.0])
    g.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [4.0, 4.0])


def test_relu_is_one_op_that_keeps_nan_and_matches_torchs_gradient():
    """PyTorch: relu(NaN) = NaN and its gradient passes through (threshold_backward
    zeroes only where the output is <= 0)."""
    x = lucid.tensor([float("nan"), -1.0, 0.0, 2.0], requires_grad=True)
    y = lucid.relu(x)
    assert y.grad_fn.op.name == "relu"
    assert np.isnan(y.numpy()[0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 0.0, 1.0])
