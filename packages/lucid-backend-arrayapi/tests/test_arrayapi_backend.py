"""The arrayapi backend on array_api_strict (the standard and nothing more) and on NumPy
through array-api-compat: binding, data movement, the standard-only kernels against
independent references (math.erf, np.add.at, np.einsum, PyTorch), errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
from lucid.errors import BackendError
from lucid.ops.primitives import REQUIRED

strict = pytest.importorskip("array_api_strict")  # lucid-backend-arrayapi[strict]


@pytest.fixture
def on_strict():
    before = lucid.backends.binding()["cpu"]
    view = lucid.backends.bind("cpu", "arrayapi", namespace="array_api_strict")
    yield view
    lucid.backends.bind("cpu", before)


def test_bind_selects_namespace_in_one_call(on_strict):
    assert lucid.backends.binding()["cpu"] == "arrayapi"
    x = lucid.tensor([1.0, 2.0])
    assert type(x.data).__module__.startswith("array_api_strict")
    assert x.device == lucid.device("cpu")
    # binding the same namespace again returns the same view: old tensors stay valid
    assert lucid.backends.bind("cpu", "arrayapi", namespace="array_api_strict") is on_strict
    assert (x * 2).tolist() == [2.0, 4.0]


def test_every_required_kernel_and_coverage(on_strict):
    assert REQUIRED <= set(on_strict.kernels)
    report = lucid.backends.coverage()["arrayapi"]
    assert report["missing"] == [] and report["required_present"] == len(REQUIRED)


def test_float64_int64_bool_round_trip(on_strict):
    for a in (np.arange(6.0).reshape(2, 3), np.arange(4, dtype=np.int64), np.array(True)):
        t = lucid.tensor(a)
        got = t.numpy()
        assert got.dtype == a.dtype and got.shape == a.shape
        np.testing.assert_array_equal(got, a)


def test_unknown_namespace_and_wrong_device_are_clear_errors():
    with pytest.raises(BackendError, match="no_such_array_lib"):
        lucid.backends.bind("cpu", "arrayapi", namespace="no_such_array_lib")
    with pytest.raises(BackendError, match="cannot serve device 'gpu'"):
        lucid.backends.bind("gpu", "arrayapi", namespace="array_api_strict")


def test_standard_erf_matches_math_erf():
    from lucid_backend_arrayapi.kernels.special import standard_erf

    values = np.concatenate([np.linspace(-7, 7, 2001), [0.0, 2.5, -2.5, np.inf, -np.inf]])
    got = np.from_dlpack(standard_erf(strict, strict.asarray(values)))
    want = np.array([math.erf(v) for v in values])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    assert np.isnan(np.from_dlpack(standard_erf(strict, strict.asarray([np.nan])))[0])


def test_scatter_add_in_rounds_accumulates_repeats(on_strict):
    rng = np.random.default_rng(0)
    base = rng.standard_normal((5, 3))
    index = np.array([[0, 4, 0], [0, 1, 0], [4, 4, 2], [0, 0, 0]])
    src = rng.standard_normal((4, 3))
    got = lucid.tensor(base).scatter_add(0, lucid.tensor(index), lucid.tensor(src))
    want = base.copy()
    np.add.at(want, (index, np.arange(3)[None, :].repeat(4, 0)), src)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("spec", ["ij,jk->ik", "ii->i", "ii", "bij,bjk->bik", "i,j->ij",
                                  "iij->j", "ij->ji"])
def test_standard_einsum_matches_numpy(spec):
    from lucid_backend_arrayapi.kernels.products import standard_einsum

    rng = np.random.default_rng(1)
    sizes = {"i": 3, "j": 3, "k": 2, "b": 2}
    terms = spec.split("->")[0].split(",")
    arrays = [rng.standard_normal([sizes[c] for c in t]) for t in terms]
    if "->" not in spec:  # implicit output: the labels seen once, sorted
        spec = spec + "->" + "".join(sorted(c for c in set(spec) if spec.count(c) == 1))
    got = standard_einsum(strict, spec, [strict.asarray(a) for a in arrays])
    np.testing.assert_allclose(np.from_dlpack(got), np.einsum(spec, *arrays), rtol=1e-12)


def test_mlp_gradients_match_hand_derivation(on_strict):
    """tanh MLP + softmax cross-entropy; the reference gradients derived by hand in NumPy:
    dz = (softmax(z) - onehot(y)) / n, dW2 = h^T dz, dW1 = x^T ((dz W2^T) (1 - h^2))."""
    import lucid.nn.functional as F

    rng = np.random.default_rng(2)
    x, w1, w2 = (rng.standard_normal(s) for s in ((8, 5), (5, 7), (7, 3)))
    y = rng.integers(0, 3, size=8)
    params = [lucid.tensor(w, requires_grad=True) for w in (w1, w2)]
    loss = F.cross_entropy(lucid.tanh(lucid.tensor(x) @ params[0]) @ params[1],
                           lucid.tensor(y))
    loss.backward()
    h = np.tanh(x @ w1)
    z = h @ w2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert abs(loss.item() - np.mean(-np.log(p[np.arange(8), y]))) < 1e-12
    dz = (p - np.eye(3)[y]) / 8
    np.testing.assert_allclose(params[1].grad.numpy(), h.T @ dz, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(params[0].grad.numpy(), x.T @ ((dz @ w2.T) * (1 - h * h)),
                               rtol=1e-10, atol=1e-12)


def test_numpy_namespace_through_compat_serves_cpu():
    before = lucid.backends.binding()["cpu"]
    try:
        lucid.backends.bind("cpu", "arrayapi", namespace="numpy")
        t = lucid.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
        (t.abs() * t).sum().backward()
        np.testing.assert_array_equal(t.grad.numpy(), [[2.0, 4.0], [6.0, 8.0]])
    finally:
        lucid.backends.bind("cpu", before)


def test_registered_dispatcher_recognises_arrays_of_its_views(on_strict):
    """``lucid.tensor(array)`` asks every registered backend whether it owns an array; the
    registered (unbound) object answers for its views instead of failing."""
    dispatcher = lucid.backends.available()["arrayapi"]
    native = on_strict.from_numpy(np.array([1.5, -2.0]))
    assert dispatcher.is_native(native) and not dispatcher.is_native([1.5])
    np.testing.assert_array_equal(dispatcher.to_numpy(native), [1.5, -2.0])
    with pytest.raises(BackendError, match="arrayapi backend: to_numpy got a list"):
        dispatcher.to_numpy([1.5])
    lucid.backends.bind("cpu", "numpy")
    t = lucid.tensor(native)  # a strict array while NumPy serves cpu
    assert isinstance(t.data, np.ndarray) and t.tolist() == [1.5, -2.0]
