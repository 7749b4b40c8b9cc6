"""Each update rule against its formula, independent of PyTorch: a scalar reference
written from the paper's equations, evaluated element by element in plain Python, for a
few steps with changing gradients (float64). Plus a literal hand-computed first step for
the simplest rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.optim as lo

X0 = [0.5, -1.5, 2.0, 0.0]
GRADS = [[0.3, -0.2, 0.1, 0.4], [-0.1, -0.5, 0.2, 0.4], [0.2, 0.3, -0.05, -0.4],
         [0.25, -0.1, 0.3, 0.0]]


def run_lucid(cls, **kwargs) -> list[list[float]]:
    p = lucid.tensor(X0, dtype=lucid.float64, requires_grad=True)
    opt = cls([p], **kwargs)
    out = []
    for g in GRADS:
        p.grad = lucid.tensor(g, dtype=lucid.float64)
        opt.step()
        out.append(p.numpy().tolist())
    return out


def run_reference(update, state_init) -> list[list[float]]:
    """Apply the scalar ``update(x, g, state, t) -> x`` to every element."""
    xs, states, out = list(X0), [state_init() for _ in X0], []
    for t, grads in enumerate(GRADS, start=1):
        xs = [update(x, g, s, t) for x, g, s in zip(xs, grads, states)]
        out.append(list(xs))
    return out


def check(cls, kwargs, update, state_init=dict):
    np.testing.assert_allclose(run_lucid(cls, **kwargs), run_reference(update, state_init),
                               rtol=1e-12, atol=1e-15)


# -- literal first steps -------------------------------------------------------------------
def test_sgd_first_step_by_hand():
    p = lucid.tensor([1.0, -2.0], dtype=lucid.float64, requires_grad=True)
    p.grad = lucid.tensor([0.5, 1.0], dtype=lucid.float64)
    lo.SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.numpy(), [0.95, -2.1], rtol=1e-15)


def test_adam_first_step_is_lr_times_sign():
    # m = 0.1 g, v = 0.001 g^2, m_hat = g, v_hat = g^2: step = lr * g / (|g| + eps)
    p = lucid.tensor([1.0, -2.0], dtype=lucid.float64, requires_grad=True)
    p.grad = lucid.tensor([0.5, -4.0], dtype=lucid.float64)
    lo.Adam([p], lr=0.01, eps=0.0).step()
    np.testing.assert_allclose(p.numpy(), [0.99, -1.99], rtol=1e-14)


def test_adagrad_first_step_by_hand():
    # s = g^2, p = p - lr * g / |g|
    p = lucid.tensor([3.0], dtype=lucid.float64, requires_grad=True)
    p.grad = lucid.tensor([-2.0], dtype=lucid.float64)
    lo.Adagrad([p], lr=0.5, eps=0.0).step()
    np.testing.assert_allclose(p.numpy(), [3.5], rtol=1e-15)


# -- formulas over several steps -----------------------------------------------------------
@pytest.mark.parametrize("momentum,dampening,nesterov,wd", [
    (0.0, 0.0, False, 0.0), (0.9, 0.0, False, 0.0), (0.9, 0.3, False, 0.1),
    (0.8, 0.0, True, 0.05)])
def test_sgd(momentum, dampening, nesterov, wd):
    lr = 0.1

    def update(x, g, s, t):
        g = g + wd * x
        if momentum:
            s["b"] = g if t == 1 else momentum * s["b"] + (1 - dampening) * g
            g = g + momentum * s["b"] if nesterov else s["b"]
        return x - lr * g

    check(lo.SGD, dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                       weight_decay=wd), update)


@pytest.mark.parametrize("amsgrad,wd,decoupled", [
    (False, 0.0, False), (True, 0.0, False), (False, 0.1, False), (False, 0.1, True)])
def test_adam(amsgrad, wd, decoupled):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8

    # eps is added to sqrt(v_hat) = sqrt(v) / sqrt(1 - beta2^t)
    def update(x, g, s, t):
        if decoupled:
            x = x * (1 - lr * wd)
        else:
            g = g + wd * x
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        v = max(s.get("vmax", 0.0), s["v"]) if amsgrad else s["v"]
        s["vmax"] = v
        return x - lr * (s["m"] / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)

    check(lo.Adam, dict(lr=lr, amsgrad=amsgrad, weight_decay=wd,
                        decoupled_weight_decay=decoupled), update)


def test_adamw_is_adam_with_decoupled_decay():
    assert run_lucid(lo.AdamW, lr=0.01, weight_decay=0.3) == run_lucid(
        lo.Adam, lr=0.01, weight_decay=0.3, decoupled_weight_decay=True)
    assert lo.AdamW([lucid.zeros(1, requires_grad=True)]).defaults["weight_decay"] == 1e-2


@pytest.mark.parametrize("wd,decoupled", [(0.0, False), (0.1, False), (0.1, True)])
def test_nadam(wd, decoupled):
    lr, b1, b2, eps, psi = 0.01, 0.9, 0.999, 1e-8, 4e-3

    def update(x, g, s, t):
        if decoupled:
            x = x * (1 - lr * wd)
        else:
            g = g + wd * x
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        # the product of the mu's is kept in float32, as PyTorch does
        s["prod"] = float(np.float32(s.get("prod", 1.0)) * np.float32(mu))
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        denom = math.sqrt(s["v"] / (1 - b2 ** t)) + eps
        return (x - lr * (1 - mu) / (1 - s["prod"]) * g / denom
                - lr * mu_next / (1 - s["prod"] * mu_next) * s["m"] / denom)

    check(lo.NAdam, dict(lr=lr, weight_decay=wd, decoupled_weight_decay=decoupled), update)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.9, 0.5)])
def test_radam(betas):
    lr, eps = 0.01, 1e-8
    b1, b2 = betas

    def update(x, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1 ** t)
        rho_inf = 2 / (1 - b2) - 1
        rho = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if rho <= 5:
            return x - lr * m_hat
        r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        return x - lr * m_hat * r * math.sqrt(1 - b2 ** t) / (math.sqrt(s["v"]) + eps)

    check(lo.RAdam, dict(lr=lr, betas=betas), update)


def test_adamax():
    lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-8

    def update(x, g, s, t):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["u"] = max(b2 * s.get("u", 0.0), abs(g) + eps)
        return x - lr / (1 - b1 ** t) * s["m"] / s["u"]

    check(lo.Adamax, dict(lr=lr), update)


@pytest.mark.parametrize("lr_decay,init", [(0.0, 0.0), (0.1, 0.5)])
def test_adagrad(lr_decay, init):
    lr, eps = 0.1, 1e-10

    def update(x, g, s, t):
        s["sum"] = s.get("sum", init) + g * g
        return x - lr / (1 + (t - 1) * lr_decay) * g / (math.sqrt(s["sum"]) + eps)

    check(lo.Adagrad, dict(lr=lr, lr_decay=lr_decay, initial_accumulator_value=init), update)


def test_adadelta():
    lr, rho, eps = 1.0, 0.9, 1e-6

    def update(x, g, s, t):
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        delta = math.sqrt(s.get("u", 0.0) + eps) / math.sqrt(s["v"] + eps) * g
        s["u"] = rho * s.get("u", 0.0) + (1 - rho) * delta * delta
        return x - lr * delta

    check(lo.Adadelta, dict(lr=lr, rho=rho, eps=eps), update)


@pytest.mark.parametrize("centered,momentum", [(False, 0.0), (True, 0.0), (False, 0.9),
                                               (True, 0.5)])
def test_rmsprop(centered, momentum):
    lr, alpha, eps = 0.01, 0.99, 1e-8

    def update(x, g, s, t):
        s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
        if centered:
            s["ga"] = alpha * s.get("ga", 0.0) + (1 - alpha) * g
            avg = math.sqrt(s["v"] - s["ga"] ** 2) + eps
        else:
            avg = math.sqrt(s["v"]) + eps
        if momentum:
            s["b"] = momentum * s.get("b", 0.0) + g / avg
            return x - lr * s["b"]
        return x - lr * g / avg

    check(lo.RMSprop, dict(lr=lr, centered=centered, momentum=momentum), update)


def test_rprop():
    lr, eta_minus, eta_plus, smin, smax = 0.01, 0.5, 1.2, 1e-6, 50.0

    def update(x, g, s, t):
        step, prev = s.get("step", lr), s.get("prev", 0.0)
        if g * prev > 0:
            step = min(step * eta_plus, smax)
        elif g * prev < 0:
            step = max(step * eta_minus, smin)
            g = 0.0
        s["step"], s["prev"] = step, g
        return x - math.copysign(1.0, g) * step if g != 0 else x

    check(lo.Rprop, dict(lr=lr), update)


def test_asgd_with_averaging():
    lr, lambd, alpha, t0 = 0.1, 1e-2, 0.75, 2.0

    def f32(v):
        return float(np.float32(v))

    def update(x, g, s, t):
        eta, mu = s.get("eta", f32(lr)), s.get("mu", 1.0)
        x = x * (1 - lambd * eta) - eta * g
        s["ax"] = x if mu == 1 else s["ax"] + mu * (x - s["ax"])
        s["eta"] = f32(lr / (1 + lambd * lr * t) ** alpha)
        s["mu"] = f32(1 / max(1, t - t0))
        return x

    check(lo.ASGD, dict(lr=lr, lambd=lambd, t0=t0), update)
    p = lucid.tensor(X0, dtype=lucid.float64, requires_grad=True)
    opt = lo.ASGD([p], lr=lr, lambd=lambd, t0=t0)
    states = [{} for _ in X0]
    xs = list(X0)
    for t, grads in enumerate(GRADS, start=1):
        p.grad = lucid.tensor(grads, dtype=lucid.float64)
        opt.step()
        xs = [update(x, g, s, t) for x, g, s in zip(xs, grads, states)]
    np.testing.assert_allclose(opt.state[p]["ax"].numpy(), [s["ax"] for s in states],
                               rtol=1e-12)


@pytest.mark.parametrize("cls", [lo.SGD, lo.Adam, lo.NAdam, lo.RAdam, lo.Adamax, lo.Adagrad,
                                 lo.Adadelta, lo.RMSprop, lo.Rprop, lo.ASGD])
def test_maximize_is_minimizing_the_negated_gradient(cls):
    def trajectory(maximize, sign):
        p = lucid.tensor(X0, dtype=lucid.float64, requires_grad=True)
        opt = cls([p], maximize=maximize)
        for g in GRADS:
            p.grad = lucid.tensor([sign * v for v in g], dtype=lucid.float64)
            opt.step()
        return p.numpy()

    np.testing.assert_array_equal(trajectory(True, -1.0), trajectory(False, 1.0))


@pytest.mark.parametrize("cls", [lo.SGD, lo.Adam, lo.AdamW, lo.NAdam, lo.RAdam, lo.Adamax,
                                 lo.Adagrad, lo.Adadelta, lo.RMSprop, lo.Rprop, lo.ASGD])
def test_float32_parameters_stay_float32(cls):
    p = lucid.tensor(X0, requires_grad=True)
    p.grad = lucid.tensor(GRADS[0])
    cls([p], lr=0.01).step()
    assert p.dtype == lucid.float32
    assert p.grad.dtype == lucid.float32
