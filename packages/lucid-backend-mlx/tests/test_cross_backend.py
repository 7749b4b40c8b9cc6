"""The same computations, with the same weights, on NumPy and on MLX (both serving ``cpu``,
one after the other): forward values and every gradient must agree.

Tolerances: float64 results agree to ``1e-10`` relative (MLX float64 is float64 here);
float32 to ``1e-5`` relative, with an absolute floor of ``1e-5 * max|value|`` since
sums accumulated in another order differ by a few ulps of the largest term.
"""

from __future__ import annotations

import numpy as np
import pytest

import lucid

RTOL = {"float32": 1e-5, "float64": 1e-10}
DTYPES = [lucid.float32, lucid.float64]


def _assert_close(got, want, dtype, what):
    rtol = RTOL[dtype.name]
    atol = rtol * max(float(np.max(np.abs(want))), 1e-30) if want.size else 0.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


def _run(switch_cpu, backend, arrays, compute, dtype):
    """Bind ``backend`` to cpu, run ``compute`` on tensors of ``arrays``; returns the
    output and the gradient of every input as NumPy arrays."""
    switch_cpu(backend)
    tensors = [lucid.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = compute(*tensors)
    out.backward()
    return [out.numpy()] + [t.grad.numpy() for t in tensors]


def _compare(switch_cpu, arrays, compute, dtype):
    ref = _run(switch_cpu, "numpy", arrays, compute, dtype)
    got = _run(switch_cpu, "mlx", arrays, compute, dtype)
    names = ["output"] + [f"grad of input {i}" for i in range(len(arrays))]
    for g, r, name in zip(got, ref, names):
        assert g.dtype == r.dtype == np.dtype(dtype.name), name
        _assert_close(g, r, dtype, f"{name} ({dtype.name})")


def _cross_entropy(logits, labels_onehot):
    top = logits.max(dim=1, keepdim=True)[0].detach()
    shifted = logits - top
    log_probs = shifted - shifted.exp().sum(axis=1, keepdims=True).log()
    return -(log_probs * labels_onehot).sum(axis=1).mean()


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_mlp_forward_backward(switch_cpu, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 10))
    w1, b1 = rng.standard_normal((10, 32)) * 0.3, rng.standard_normal(32) * 0.1
    w2, b2 = rng.standard_normal((32, 5)) * 0.3, rng.standard_normal(5) * 0.1
    onehot = np.eye(5)[rng.integers(0, 5, 16)]

    def mlp(x, w1, b1, w2, b2, onehot):
        h = (x @ w1 + b1).tanh()
        h = h * (h * 1.7).sigmoid()  # a smooth gate: sigmoid on the path too
        return _cross_entropy(h @ w2 + b2, onehot)

    _compare(switch_cpu, [x, w1, b1, w2, b2, onehot], mlp, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_conv_net_forward_backward(switch_cpu, dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 11, 10))
    w1, b1 = rng.standard_normal((4, 3, 3, 3)) * 0.3, rng.standard_normal(4) * 0.1
    w2 = rng.standard_normal((6, 2, 3, 2)) * 0.3
    w3 = rng.standard_normal((5, 6, 2, 2)) * 0.3

    def net(x, w1, b1, w2, w3):
        h = lucid.conv2d(x, w1, b1, padding=1)
        h = lucid.maximum(h, lucid.zeros_like(h)) + 0.1 * h  # leaky ReLU from primitives
        h = lucid.conv2d(h, w2, stride=(2, 1), padding=(1, 0), groups=2)
        h = lucid.conv2d(h.tanh(), w3, dilation=2)
        return (h * h).mean() + h.sum() * 0.01

    _compare(switch_cpu, [x, w1, b1, w2, w3], net, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_conv1d_and_conv3d(switch_cpu, dtype):
    rng = np.random.default_rng(2)
    x1, k1 = rng.standard_normal((2, 4, 13)), rng.standard_normal((6, 2, 3))
    x3, k3 = rng.standard_normal((1, 2, 5, 4, 6)), rng.standard_normal((4, 1, 2, 2, 3))

    def both(x1, k1, x3, k3):
        a = lucid.conv1d(x1, k1, stride=2, padding=2, dilation=2, groups=2)
        b = lucid.conv3d(x3, k3, stride=(1, 2, 1), padding=(1, 0, 1), groups=2)
        return (a.exp() * 0.1).sum() + (b * b).sum()

    _compare(switch_cpu, [x1, k1, x3, k3], both, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_reductions_indexing_and_ordering(switch_cpu, dtype):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 6))
    b = rng.standard_normal((6, 3))
    rows = np.array([3, 0, 3, 1])

    def mixed(a, b):
        idx = lucid.tensor(rows)
        picked = a[idx, 1:5]                                   # advanced + basic index
        s = lucid.sort(picked, axis=1)                         # stable sort, gather's grad
        c = lucid.cumsum(s, axis=1) * lucid.var(a, axis=0)[:4]
        d = lucid.einsum("ij,jk->ik", a, b).sin()
        e = lucid.logsumexp(d, axis=1) + lucid.amax(d, axis=1)
        return c.sum() + e.sum() + lucid.pad(a, ((1, 0), (0, 2))).erf().mean()

    _compare(switch_cpu, [a, b], mixed, dtype)


def test_backend_binding_is_restored(switch_cpu):
    before = lucid.backends.binding()["cpu"]
    switch_cpu("mlx")
    assert lucid.backends.binding()["cpu"] == "mlx"
    switch_cpu(before)
    assert lucid.backends.binding()["cpu"] == before
