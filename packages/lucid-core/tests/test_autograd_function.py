"""``lucid.autograd.Function`` against ``torch.autograd.Function`` (the same subclass
written twice) and against central finite differences."""

import numpy as np
import pytest
import torch

import lucid
from lucid.autograd import Function, once_differentiable
from lucid.errors import ShapeError

RNG = np.random.default_rng(0)


def _pair(a, requires_grad=True):
    return (lucid.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _make_scaled_exp(base):
    """``y = scale * exp(x) * w``: two tensor arguments and a number in between."""

    class ScaledExp(base):
        @staticmethod
        def forward(ctx, x, scale, w):
            y = (x.exp() * scale) * w
            ctx.save_for_backward(x, w)
            ctx.scale = scale
            ctx.flags = tuple(ctx.needs_input_grad)
            return y

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            e = x.exp() * ctx.scale
            return g * e * w, None, (g * e).sum(0)

    return ScaledExp


def test_gradients_and_needs_input_grad_match_torch():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    (lx, tx), (lw, tw) = _pair(a), _pair(b, requires_grad=False)
    ly = _make_scaled_exp(Function).apply(lx, 2.5, lw)
    ty = _make_scaled_exp(torch.autograd.Function).apply(tx, 2.5, tw)
    np.testing.assert_allclose(ly.numpy(), ty.detach().numpy(), rtol=1e-12)
    cot = RNG.standard_normal((3, 4))
    ly.backward(lucid.tensor(cot))
    ty.backward(torch.tensor(cot))
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert lw.grad is None and tw.grad is None
    assert ly.grad_fn is not None or ly.requires_grad
    assert ly.requires_grad and ty.requires_grad


def test_gradient_matches_finite_differences():
    fn = _make_scaled_exp(Function)
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    x, w = lucid.tensor(a, requires_grad=True), lucid.tensor(b, requires_grad=True)
    cot = RNG.standard_normal((2, 3))
    fn.apply(x, 0.7, w).backward(lucid.tensor(cot))

    def objective(a_, b_):
        return float(np.sum(0.7 * np.exp(a_) * b_ * cot))

    eps = 1e-6
    for arr, got, other in ((a, x.grad.numpy(), False), (b, w.grad.numpy(), True)):
        num = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            plus, minus = arr.copy(), arr.copy()
            plus[i] += eps
            minus[i] -= eps
            args_p = (a, plus) if other else (plus, b)
            args_m = (a, minus) if other else (minus, b)
            num[i] = (objective(*args_p) - objective(*args_m)) / (2 * eps)
        np.testing.assert_allclose(got, num, rtol=1e-6, atol=1e-8)


def _make_sort(base, lib):
    class Sort(base):
        @staticmethod
        def forward(ctx, x):
            order = lib.argsort(x, -1)
            values = x[order] if lib is lucid else x[order]
            ctx.mark_non_differentiable(order)
            ctx.save_for_backward(order)
            return values, order

        @staticmethod
        def backward(ctx, g_values, g_order):
            (order,) = ctx.saved_tensors
            assert g_order is None or float(g_order.abs().sum()) == 0.0
            out = lib.zeros_like(g_values)
            out[order] = g_values
            return out

    return Sort


def test_mark_non_differentiable_matches_torch():
    a = RNG.standard_normal(5)
    (lx, tx) = _pair(a)
    lv, lo = _make_sort(Function, lucid).apply(lx)
    tv, to = _make_sort(torch.autograd.Function, torch).apply(tx)
    assert lo.requires_grad is to.requires_grad is False
    assert lv.requires_grad and tv.requires_grad
    np.testing.assert_array_equal(lo.numpy(), to.numpy())
    w = RNG.standard_normal(5)
    (lv * lucid.tensor(w)).sum().backward()
    (tv * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy())


def _make_cube(base, decorate):
    class Cube(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    if decorate is not None:
        Cube.backward = staticmethod(decorate(Cube.backward))
    return Cube


def test_second_derivative_through_backward_matches_torch():
    a = RNG.standard_normal(4)
    lx, tx = _pair(a)
    (lg,) = lucid.grad([_make_cube(Function, None).apply(lx).sum()], [lx], create_graph=True)
    (tg,) = torch.autograd.grad(_make_cube(torch.autograd.Function, None).apply(tx).sum(), tx,
                                create_graph=True)
    (lgg,) = lucid.grad([lg.sum()], [lx])
    (tgg,) = torch.autograd.grad(tg.sum(), tx)
    np.testing.assert_allclose(lgg.numpy(), tgg.numpy(), rtol=1e-12)  # 6x


def test_once_differentiable_refuses_a_second_derivative_like_torch():
    a = RNG.standard_normal(3)
    lx, tx = _pair(a)
    lcube = _make_cube(Function, once_differentiable)
    tcube = _make_cube(torch.autograd.Function, torch.autograd.function.once_differentiable)
    (lg,) = lucid.grad([lcube.apply(lx).sum()], [lx], create_graph=True)
    (tg,) = torch.autograd.grad(tcube.apply(tx).sum(), tx, create_graph=True)
    np.testing.assert_allclose(lg.numpy(), tg.detach().numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError):
        torch.autograd.grad(tg.sum(), tx)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        lucid.grad([lg.sum()], [lx])
    # a plain first derivative still works
    ly = lcube.apply(lx)
    ly.sum().backward()
    np.testing.assert_allclose(lx.grad.numpy(), 3 * a * a, rtol=1e-12)


def test_no_graph_when_no_input_requires_grad():
    x = lucid.tensor(RNG.standard_normal(3))
    y = _make_cube(Function, None).apply(x)
    assert not y.requires_grad


def test_backward_with_wrong_count_or_shape_raises():
    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum()

    class WrongCount(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ShapeError, match="WrongShape.backward: gradient 0 has shape"):
        WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="returned 2 gradients; forward took 1"):
        WrongCount.apply(x).sum().backward()


def test_saved_tensor_modified_in_place_raises():
    class Keep(Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            (w,) = ctx.saved_tensors
            return g * w, None

    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    w = lucid.tensor([3.0, 4.0])
    y = Keep.apply(x, w)
    w.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()
