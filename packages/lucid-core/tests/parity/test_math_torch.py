"""Elementwise math, reductions and ranges against PyTorch itself (values and gradients)."""

import numpy as np
import pytest
import torch

import lucid

RNG = np.random.default_rng(0)
X = RNG.uniform(-0.9, 0.9, (3, 4))


def _both(values, dtype=np.float64):
    a = np.asarray(values, dtype=dtype)
    return (lucid.tensor(a, requires_grad=a.dtype.kind == "f"),
            torch.tensor(a, requires_grad=a.dtype.kind == "f"))


def _grad_parity(lucid_fn, torch_fn, values, rtol=1e-12, atol=1e-14):
    x, t = _both(values)
    y, u = lucid_fn(x), torch_fn(t)
    y = y.values if hasattr(y, "values") and not isinstance(y, lucid.Tensor) else y
    u = u.values if hasattr(u, "values") and not isinstance(u, torch.Tensor) else u
    np.testing.assert_allclose(y.detach().numpy(), u.detach().numpy(), rtol=rtol, atol=atol)
    w = RNG.standard_normal(tuple(u.shape))
    (y * lucid.tensor(w)).sum().backward()
    (u * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


UNARY = ["abs", "sign", "exp", "log1p", "expm1", "sin", "cos", "tan", "arcsin", "arccos",
         "arctan", "sinh", "cosh", "tanh", "arcsinh", "arctanh", "sigmoid", "erf", "floor",
         "ceil", "trunc", "round", "square", "reciprocal"]


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    _grad_parity(getattr(lucid, name), getattr(torch, name), X)


@pytest.mark.parametrize("name", ["log", "log2", "log10", "sqrt", "rsqrt", "arccosh"])
def test_unary_positive(name):
    _grad_parity(getattr(lucid, name), getattr(torch, name), X + 2)


def test_gelu_through_erf_matches_torch_in_float64():
    # The project's float64 parity bound, 1e-10 relative (1 + erf(x) cancels near x = -4,
    # so an erf exact to 1 ulp still leaves ~1e-11 relative there).
    values = np.linspace(-8, 8, 401)
    x, t = _both(values)
    y = 0.5 * x * (1 + lucid.erf(x * float(1 / np.sqrt(2))))
    u = torch.nn.functional.gelu(t)
    np.testing.assert_allclose(y.detach().numpy(), u.detach().numpy(), rtol=1e-10, atol=1e-15)


def test_round_decimals_and_halves():
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 1.2345, -2.5551, 12.5])
    for d in (0, 1, 2, -1):
        np.testing.assert_array_equal(lucid.round(lucid.tensor(a), decimals=d).numpy(),
                                      torch.round(torch.tensor(a), decimals=d).numpy())


def test_clamp_gradients_at_bounds_and_tensor_bounds():
    vals = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    _grad_parity(lambda x: lucid.clamp(x, -1.0, 1.0), lambda t: torch.clamp(t, -1.0, 1.0), vals)
    _grad_parity(lambda x: x.clamp(min=0.0), lambda t: t.clamp(min=0.0), vals)
    _grad_parity(lambda x: x.clamp(max=0.0), lambda t: t.clamp(max=0.0), vals)
    lo, hi = np.array([-1.0, 0.5, 0.0, 2.0, -3.0]), np.array([1.0, 1.0, 0.0, 0.0, 5.0])
    x, t = _both(vals)
    lx, lt = _both(lo)
    hx, ht = _both(hi)
    y, u = lucid.clamp(x, lx, hx), torch.clamp(t, lt, ht)
    np.testing.assert_array_equal(y.detach().numpy(), u.detach().numpy())
    y.sum().backward()
    u.sum().backward()
    for a, b in ((x, t), (lx, lt), (hx, ht)):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_maximum_minimum_ties():
    a = np.array([1.0, 2.0, 3.0, 2.0])
    b = np.array([3.0, 2.0, 1.0, 2.0])
    for lf, tf in ((lucid.maximum, torch.maximum), (lucid.minimum, torch.minimum)):
        x, t = _both(a)
        y, u = _both(b)
        lf(x, y).sum().backward()
        tf(t, u).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
        np.testing.assert_array_equal(y.grad.numpy(), u.grad.numpy())


TIES = np.array([[1.0, 5.0, 5.0, 0.0], [3.0, 2.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_all_conventions(op):
    _grad_parity(lambda x: getattr(x, op)(), lambda t: getattr(t, op)(), TIES)
    for dim in (0, 1, -1):
        x, t = _both(TIES)
        got, want = getattr(x, op)(dim), getattr(t, op)(dim)
        np.testing.assert_array_equal(got.values.detach().numpy(), want.values.detach().numpy())
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
        _grad_parity(lambda x, d=dim: getattr(x, op)(d, keepdim=True),
                     lambda t, d=dim: getattr(t, op)(d, keepdim=True), TIES)
        _grad_parity(lambda x, d=dim: getattr(lucid, "a" + op)(x, d),
                     lambda t, d=dim: getattr(torch, "a" + op)(t, d), TIES)
    for dim in (None, 0, 1):
        np.testing.assert_array_equal(
            getattr(lucid, "arg" + op)(lucid.tensor(TIES), dim=dim).numpy(),
            getattr(torch, "arg" + op)(torch.tensor(TIES), dim=dim).numpy())


def test_var_std_method_and_function_conventions():
    x, t = _both(X)
    np.testing.assert_allclose(x.var().item(), t.var().item())
    np.testing.assert_allclose(x.var(1).detach().numpy(), t.var(1).detach().numpy())
    np.testing.assert_allclose(x.std(0, keepdim=True).detach().numpy(),
                               t.std(0, keepdim=True).detach().numpy())
    np.testing.assert_allclose(x.var(1, correction=0).detach().numpy(),
                               t.var(1, correction=0).detach().numpy())
    np.testing.assert_allclose(lucid.var(x, axis=1).detach().numpy(),
                               np.var(X, axis=1))
    _grad_parity(lambda x: x.var(dim=1), lambda t: t.var(dim=1), X)
    _grad_parity(lambda x: x.std(), lambda t: t.std(), X)
    _grad_parity(lambda x: lucid.var(x, dim=(0, 1), correction=0),
                 lambda t: torch.var(t, dim=(0, 1), correction=0), X)


def test_prod_cumsum_cumprod_logsumexp():
    zeros = X.copy()
    zeros[0, 1] = 0.0
    zeros[2, 0] = zeros[2, 3] = 0.0
    _grad_parity(lambda x: x.prod(1), lambda t: t.prod(1), zeros)
    _grad_parity(lambda x: x.prod(), lambda t: t.prod(), X)
    _grad_parity(lambda x: x.cumsum(1), lambda t: t.cumsum(1), X)
    _grad_parity(lambda x: x.cumprod(0), lambda t: t.cumprod(0), X)
    _grad_parity(lambda x: x.cumprod(1), lambda t: t.cumprod(1), zeros)
    _grad_parity(lambda x: x.cumprod(0), lambda t: t.cumprod(0), zeros)
    _grad_parity(lambda x: lucid.logsumexp(x * 100, dim=1),
                 lambda t: torch.logsumexp(t * 100, dim=1), X, rtol=1e-10)


def test_nan_to_num_defaults():
    a = np.array([1.0, np.nan, np.inf, -np.inf], dtype=np.float32)
    np.testing.assert_array_equal(lucid.nan_to_num(lucid.tensor(a)).numpy(),
                                  torch.nan_to_num(torch.tensor(a)).numpy())


@pytest.mark.parametrize("args", [(5,), (2, 9, 3), (0, 1, 0.1), (1.0, 2.0, 0.3), (-1, 1, 0.25),
                                  (10, 0, -3), (0.5, 7), (0, 0.3, 0.1), (1, 1.9, 0.3)])
def test_arange_matches_torch(args):
    got, want = lucid.arange(*args), torch.arange(*args)
    assert got.dtype.name == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-7)


def test_linspace_logspace_eye_match_torch():
    for args in ((0, 1, 5), (-3, 7, 11), (2, 2, 3), (0, 1, 1)):
        np.testing.assert_allclose(lucid.linspace(*args).numpy(),
                                   torch.linspace(*args).numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(lucid.logspace(-2, 2, 5).numpy(),
                               torch.logspace(-2, 2, 5).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(lucid.eye(3, 2).numpy(), torch.eye(3, 2).numpy())


def test_logaddexp_hypot_match_torch():
    b = RNG.standard_normal(X.shape)
    for lf, tf in ((lucid.logaddexp, torch.logaddexp), (lucid.hypot, torch.hypot)):
        x, t = _both(X)
        y, u = _both(b)
        out, want = lf(x, y), tf(t, u)
        np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-12)
        out.sum().backward()
        want.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(y.grad.numpy(), u.grad.numpy(), rtol=1e-12)
