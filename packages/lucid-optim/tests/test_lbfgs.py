"""LBFGS on problems with known minima, and its argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.optim as lo


def _quadratic_closure(opt, x, a, b):
    """``f(x) = 1/2 x^T A x - b^T x``, minimised at ``A^-1 b``."""
    def closure():
        opt.zero_grad()
        loss = 0.5 * (x @ (a @ x)) - (b * x).sum()
        loss.backward()
        return loss
    return closure


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_quadratic_minimum_is_found(line_search_fn):
    rng = np.random.default_rng(3)
    m = rng.standard_normal((5, 5))
    a_np = m @ m.T + 5 * np.eye(5)
    b_np = rng.standard_normal(5)
    x = lucid.zeros(5, dtype=lucid.float64, requires_grad=True)
    a, b = lucid.tensor(a_np, dtype=lucid.float64), lucid.tensor(b_np, dtype=lucid.float64)
    opt = lo.LBFGS([x], line_search_fn=line_search_fn, tolerance_grad=1e-12,
                   tolerance_change=1e-14)
    closure = _quadratic_closure(opt, x, a, b)
    for _ in range(5):
        opt.step(closure)
    # the loss-change test stops at |x - x*| ~ sqrt(tolerance_change)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a_np, b_np), atol=1e-6)


def test_rosenbrock_with_strong_wolfe():
    xy = lucid.tensor([-1.5, 2.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.LBFGS([xy], line_search_fn="strong_wolfe", max_iter=100,
                   tolerance_grad=1e-10, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        x, y = xy[0], xy[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    for _ in range(5):
        opt.step(closure)
    np.testing.assert_allclose(xy.numpy(), [1.0, 1.0], atol=1e-6)


def test_first_step_scales_by_the_gradient_one_norm():
    # one iteration: x1 = x0 - min(1, 1/|g|_1) * lr * g
    x = lucid.tensor([3.0, -4.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.LBFGS([x], lr=0.5, max_iter=1)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == 25.0
    g = np.array([6.0, -8.0])
    np.testing.assert_allclose(x.numpy(), [3.0, -4.0] - 0.5 / 14.0 * g, rtol=1e-15)
    state = opt.state[x]
    assert state["n_iter"] == 1 and state["func_evals"] == 1


def test_stops_at_once_when_the_gradient_is_small():
    x = lucid.tensor([0.0, 0.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.LBFGS([x])

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert opt.state[x]["n_iter"] == 0 and opt.state[x]["func_evals"] == 1


def test_arguments():
    x = lucid.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="parameter groups"):
        lo.LBFGS([{"params": [x]}, {"params": [lucid.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="strong_wolfe"):
        lo.LBFGS([x], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="closure"):
        lo.LBFGS([x]).step()


def test_state_vectors_are_checked_on_load():
    x = lucid.tensor([1.0, 2.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.LBFGS([x], max_iter=2)

    def closure():
        opt.zero_grad()
        loss = (x * x * x * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    sd = opt.state_dict()
    assert sd["state"][0]["d"].shape == (2,)
    y = lucid.zeros(3, dtype=lucid.float64, requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(3,\)"):
        lo.LBFGS([y]).load_state_dict(sd)
