"""The engine: topological order, accumulation, hooks, retain/create_graph, grad mode."""

import threading

import numpy as np
import pytest

import lucid


def test_shared_subexpression_accumulates_each_path():
    x = lucid.tensor([2.0, -1.0], requires_grad=True)
    y = x * x            # used twice below
    z = (y * x + y).sum()  # z = x^3 + x^2, dz/dx = 3x^2 + 2x
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 * 4 + 4, 3 - 2])


def test_grads_accumulate_across_backward_calls_until_zeroed():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])
    x.zero_grad()
    assert x.grad is None


def test_broadcast_gradient_is_summed_back_to_input_shape():
    a = lucid.tensor(np.ones((3, 1)), requires_grad=True)
    b = lucid.tensor(np.arange(4.0), requires_grad=True)
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.full((3, 1), 6.0))
    np.testing.assert_allclose(b.grad.numpy(), np.full(4, 3.0))


def test_non_scalar_backward_needs_gradient():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2.0).backward()
    (x * 2.0).backward(lucid.tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 20.0])


def test_second_backward_through_freed_graph_raises_clearly():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.exp([1, 2]) * (1 + np.array([1, 2]))),
                               rtol=1e-6)


def test_create_graph_gives_second_derivative():
    # f = x^3 * exp(x): f' = (3x^2 + x^3) e^x, f'' = (6x + 6x^2 + x^3) e^x
    x = lucid.tensor([0.5, -1.5], dtype=lucid.float64, requires_grad=True)
    f = (x ** 3 * x.exp()).sum()
    (g,) = lucid.grad(f, [x], create_graph=True)
    xv = np.array([0.5, -1.5])
    np.testing.assert_allclose(g.numpy(), (3 * xv**2 + xv**3) * np.exp(xv), rtol=1e-12)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (6 * xv + 6 * xv**2 + xv**3) * np.exp(xv),
                               rtol=1e-12)


def test_hessian_vector_product_of_matmul_quadratic():
    # f = 0.5 x^T A x, grad = (A + A^T)/2 x ... with symmetric A: grad = A x, Hv = A v
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    a = lucid.tensor(m + m.T)
    x = lucid.tensor(rng.standard_normal(4), requires_grad=True)
    v = lucid.tensor(rng.standard_normal(4))
    f = 0.5 * (x @ (a @ x))
    g = lucid.grad(f, x, create_graph=True)
    (hv,) = lucid.grad((g * v).sum(), [x])
    np.testing.assert_allclose(hv.numpy(), (m + m.T) @ v.numpy(), rtol=1e-5)


def test_functional_grad_does_not_touch_dot_grad_and_reports_unused():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    unused = lucid.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    gx, gu = lucid.grad(y, [x, unused], allow_unused=True)
    assert x.grad is None and gu is None
    np.testing.assert_allclose(gx.numpy(), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="not used"):
        lucid.grad((x * x).sum(), [x, unused])


def test_hooks_modify_and_remove():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 10.0)
    y = x * 2.0
    y.register_hook(lambda g: g + 1.0)  # non-leaf hook: dy = 1 + 1 = 2
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [4.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy(), [40.0, 40.0])
    handle.remove()
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_retain_grad_on_intermediate():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [6.0, 12.0])


def test_detach_cuts_the_graph():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0).detach()
    assert not y.requires_grad and y.is_leaf
    z = (x * y).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_no_grad_context_and_decorator_and_enable_grad():
    x = lucid.tensor([1.0], requires_grad=True)
    with lucid.no_grad():
        assert not (x * 2.0).requires_grad
        with lucid.enable_grad():
            assert (x * 2.0).requires_grad
        assert not lucid.is_grad_enabled()
    assert lucid.is_grad_enabled()

    @lucid.no_grad()
    def f(t):
        return t * 2.0

    assert not f(x).requires_grad
    assert lucid.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["worker"] = lucid.is_grad_enabled()

    with lucid.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["main"] = lucid.is_grad_enabled()
    assert seen == {"worker": True, "main": False}


def test_leaf_and_requires_grad_rules():
    x = lucid.tensor([1.0], requires_grad=True)
    y = x * 2.0
    assert x.is_leaf and not y.is_leaf and y.requires_grad
    with pytest.raises(lucid.DTypeError, match="floating-point"):
        lucid.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        x.add_(1.0)
    with lucid.no_grad():
        x.add_(1.0)
    np.testing.assert_allclose(x.numpy(), [2.0])


def test_deep_chain_does_not_recurse():
    x = lucid.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0])
