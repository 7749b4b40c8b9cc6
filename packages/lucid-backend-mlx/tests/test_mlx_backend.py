"""The MLX backend object: discovery, devices, dtypes, float64 rules, seeding, eval."""

from __future__ import annotations

import mlx.core as mx
import numpy as np
import pytest

import lucid
from lucid.ops.registry import OPS
from lucid_backend_mlx.backend import BACKEND, MlxBackend, _on_device, gpu_available
from lucid_backend_mlx.kernels import _random_state

ALL_DTYPES = [lucid.float16, lucid.float32, lucid.float64, lucid.int8, lucid.uint8,
              lucid.int16, lucid.int32, lucid.int64, lucid.bool_]


def test_plugin_is_discovered():
    assert "mlx" in lucid.backends.available()
    assert "mlx" not in lucid.backends.load_errors()
    assert lucid.backends.available()["mlx"] is BACKEND
    assert BACKEND.lazy


def test_every_registered_op_has_an_mlx_kernel():
    missing = sorted(op for op in OPS if op not in BACKEND.kernels and op != "to_device")
    assert not missing, f"mlx backend lacks kernels: {missing}"


def test_bind_cpu_gives_an_mlx_view_on_the_mlx_cpu(mlx_cpu):
    assert mlx_cpu.name == "mlx" and mlx_cpu.device_type == "cpu"
    assert lucid.backends.binding()["cpu"] == "mlx"
    assert mlx_cpu.mlx_device("cpu") == mx.cpu
    x = lucid.tensor([1.0, 2.0])
    assert isinstance(x.data, mx.array)
    assert "cpu" in lucid.backends.coverage()["mlx"]["devices"]


def test_kernels_of_a_view_run_on_its_mlx_device():
    probe = _on_device(lambda: mx.default_device(), mx.cpu, "probe", no_float64=False)
    assert probe() == mx.cpu


def test_rebinding_keeps_the_same_view(mlx_cpu):
    x = lucid.tensor([1.0, 2.0])
    again = lucid.backends.bind("cpu", "mlx")
    assert again is mlx_cpu
    np.testing.assert_allclose((x * 2).numpy(), [2.0, 4.0])


@pytest.mark.skipif(gpu_available(), reason="this machine has an MLX GPU")
def test_gpu_without_a_gpu_is_a_clear_error():
    with pytest.raises(lucid.BackendError, match=r"needs a GPU.*lucid-backend-mlx\[cuda\]"):
        BACKEND.check_device("gpu")
    with pytest.raises(lucid.BackendError, match="needs a GPU"):
        lucid.backends.bind("gpu", "mlx")
    assert "gpu" not in lucid.backends.binding()
    with pytest.raises(lucid.BackendError, match="never falls back to the CPU"):
        lucid.tensor([1.0], device="gpu")


def test_unknown_device_type_is_refused():
    with pytest.raises(lucid.BackendError):
        BACKEND.check_device("tpu")


def test_float64_is_refused_on_the_gpu_with_a_hint():
    view = MlxBackend("gpu", BACKEND)  # no kernel runs: the refusal comes first
    with pytest.raises(lucid.DTypeError, match="float64 only on its CPU"):
        view.from_numpy(np.zeros(3))
    with pytest.raises(lucid.DTypeError, match="float64"):
        view.native_dtype(lucid.float64)
    with pytest.raises(lucid.DTypeError, match="full: float64"):
        view.kernels["full"](shape=(2,), fill_value=0.0, dtype=lucid.float64)
    with pytest.raises(lucid.DTypeError, match="astype: float64"):
        view.kernels["astype"](mx.zeros((2,)), dtype=lucid.float64)
    with pytest.raises(lucid.DTypeError, match="float64"):
        view.scalar(1.0, lucid.float64)
    assert view.native_dtype(lucid.float32) == mx.float32
    assert view.scalar(2, lucid.int64).dtype == mx.int64


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
def test_dtype_round_trip(dtype):
    values = np.array([[0, 1, 2], [3, 0, 1]]).astype(dtype.name)
    arr = BACKEND.from_numpy(values)
    assert BACKEND.dtype_of(arr) == dtype
    assert BACKEND.native_dtype(dtype) == arr.dtype
    back = BACKEND.to_numpy(arr)
    assert back.dtype == values.dtype
    np.testing.assert_array_equal(back, values)


def test_to_numpy_is_a_copy():
    arr = mx.array([1.0, 2.0])
    out = BACKEND.to_numpy(arr)
    out[0] = 5.0
    assert arr.tolist() == [1.0, 2.0]


def test_mlx_only_dtypes_are_named():
    with pytest.raises(lucid.DTypeError, match="uint32"):
        BACKEND.dtype_of(mx.array([1], dtype=mx.uint32))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: d.name)
def test_tensors_keep_their_dtype_on_mlx(mlx_cpu, dtype):
    t = lucid.tensor(np.ones((2, 2)), dtype=dtype)
    assert t.dtype == dtype
    assert t.numpy().dtype == np.dtype(dtype.name)


def test_index_results_are_int64(mlx_cpu):
    x = lucid.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert lucid.argmax(x, axis=1).dtype == lucid.int64
    values, indices = x.max(dim=1)
    assert indices.dtype == lucid.int64
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    np.testing.assert_array_equal(values.numpy(), [5.0, 7.0])


def test_integer_matmul_is_exact(mlx_cpu):
    a = lucid.tensor(np.arange(12).reshape(3, 4))
    b = lucid.tensor(np.arange(8).reshape(4, 2) - 3)
    np.testing.assert_array_equal((a @ b).numpy(), np.arange(12).reshape(3, 4)
                                  @ (np.arange(8).reshape(4, 2) - 3))
    assert (a @ b).dtype == lucid.int64


def test_seed_restarts_the_key_sequence():
    lucid.random.seed(7)
    first = [np.array(_random_state.next_key()) for _ in range(3)]
    lucid.random.seed(7)
    again = [np.array(_random_state.next_key()) for _ in range(3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])
    draw = [np.array(mx.random.normal((4,), key=mx.array(k))) for k in (first[0], again[0])]
    np.testing.assert_array_equal(draw[0], draw[1])


def test_eval_forces_and_returns_self(mlx_cpu):
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).exp()
    assert y.eval() is y
    np.testing.assert_allclose(y.numpy(), np.exp([3.0, 6.0]), rtol=1e-6)


def test_float64_is_float64_accurate(mlx_cpu):
    """MLX's own float64 exp/sin/cos/erf are float32-grade; Lucid's are not."""
    import math

    v = np.linspace(-6, 6, 101)
    x = lucid.tensor(v, dtype=lucid.float64)
    np.testing.assert_allclose(x.exp().numpy(), np.exp(v), rtol=1e-14)
    np.testing.assert_allclose(x.sin().numpy(), np.sin(v), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(x.cos().numpy(), np.cos(v), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(lucid.erf(x).numpy(), [math.erf(t) for t in v], rtol=1e-14)
    big = lucid.tensor([100.0, 700.0], dtype=lucid.float64).exp().numpy()
    np.testing.assert_allclose(big, np.exp([100.0, 700.0]), rtol=1e-14)


@pytest.mark.skipif(not gpu_available(), reason="MLX has no GPU here")
def test_gpu_runs_float32_and_refuses_float64():
    x = lucid.tensor([1.0, 2.0], device="gpu")
    assert x.device == lucid.device("gpu")
    np.testing.assert_allclose((x * x).sum().numpy(), 5.0)
    with pytest.raises(lucid.DTypeError, match="float64"):
        lucid.tensor([1.0], dtype=lucid.float64, device="gpu")
