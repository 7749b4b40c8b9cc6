"""Moving tensors between the NumPy and MLX backends keeps values, dtypes and gradients.

Both backends can serve ``cpu`` (one at a time). Tensors made under one binding move to
the other with ``t.to("cpu")`` after a rebind. For ``gpu``: on a machine without an MLX
GPU, a stand-in MLX view that computes on ``mx.cpu`` but keeps the GPU's rules (no
float64) serves ``gpu`` for the test; with a real GPU the real view is used.
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np
import pytest

import lucid
from lucid_backend_mlx.backend import BACKEND, MlxBackend, gpu_available

DTYPES = [lucid.float16, lucid.float32, lucid.float64, lucid.int8, lucid.uint8,
          lucid.int16, lucid.int32, lucid.int64, lucid.bool_]


def _values(dtype):
    return (np.arange(-3, 3).reshape(2, 3) % 4).astype(dtype.name)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
def test_numpy_to_mlx_and_back_keeps_dtype(switch_cpu, dtype):
    switch_cpu("numpy")
    t = lucid.tensor(_values(dtype))
    assert isinstance(t.data, np.ndarray)
    switch_cpu("mlx")
    moved = t.to("cpu")
    assert isinstance(moved.data, mx.array)
    assert moved.dtype == dtype
    np.testing.assert_array_equal(moved.numpy(), _values(dtype))
    switch_cpu("numpy")
    back = moved.to("cpu")
    assert isinstance(back.data, np.ndarray) and back.dtype == dtype
    np.testing.assert_array_equal(back.numpy(), _values(dtype))


def test_stale_tensor_after_rebind_is_a_clear_error(switch_cpu):
    switch_cpu("numpy")
    t = lucid.tensor([1.0, 2.0])
    switch_cpu("mlx")
    with pytest.raises(lucid.BackendError, match="move it with"):
        t + t


class _GpuStandIn(MlxBackend):
    """MLX's ``gpu`` view with its rules (float64 refused), computing on ``mx.cpu``."""

    def mlx_device(self, device_type):
        return mx.cpu


@pytest.fixture
def gpu(monkeypatch):
    """A backend serving ``gpu``: the real MLX GPU, or the stand-in."""
    if gpu_available():
        view = lucid.backends.bind("gpu", "mlx")
    else:
        view = _GpuStandIn("gpu", BACKEND)
        monkeypatch.setitem(lucid.backends._binding, "gpu", view)
    return view


@pytest.mark.parametrize("dtype", [d for d in DTYPES if d != lucid.float64],
                         ids=lambda d: d.name)
def test_to_gpu_and_back_keeps_dtype(numpy_cpu, gpu, dtype):
    t = lucid.tensor(_values(dtype))
    on_gpu = t.to("gpu")
    assert on_gpu.device == lucid.device("gpu") and on_gpu.dtype == dtype
    assert isinstance(on_gpu.data, mx.array)
    back = on_gpu.to("cpu")
    assert back.device == lucid.device("cpu") and back.dtype == dtype
    assert isinstance(back.data, np.ndarray)
    np.testing.assert_array_equal(back.numpy(), _values(dtype))


def test_float64_to_gpu_is_refused(numpy_cpu, gpu):
    t = lucid.tensor(np.ones(3), dtype=lucid.float64)
    with pytest.raises(lucid.DTypeError, match="float64 only on its CPU"):
        t.to("gpu")
    with pytest.raises(lucid.DTypeError, match="float64"):
        lucid.zeros(2, dtype=lucid.float64, device="gpu")
    np.testing.assert_allclose(t.float().to("gpu").numpy(), np.ones(3))


def test_gradient_flows_back_across_devices(numpy_cpu, gpu):
    x = lucid.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x.to("gpu") ** 2).sum()
    assert y.device == lucid.device("gpu")
    y.backward()
    assert isinstance(x.grad.data, np.ndarray)
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_mixing_devices_names_both(numpy_cpu, gpu):
    a = lucid.tensor([1.0])
    with pytest.raises(lucid.DeviceMismatchError, match="cpu and gpu|gpu and cpu"):
        a + a.to("gpu")


def test_module_to_moves_parameters_and_buffers_to_mlx(switch_cpu, gpu):
    from lucid import nn
    switch_cpu("numpy")
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    x = lucid.tensor(np.random.default_rng(0).standard_normal((5, 4)), dtype=lucid.float32)
    model.eval()
    want = model(x).numpy()
    dtypes = {k: v.dtype for k, v in model.state_dict().items()}
    assert lucid.int64 in dtypes.values()  # BatchNorm's num_batches_tracked
    on_gpu = model.to("gpu")
    assert {k: v.dtype for k, v in on_gpu.state_dict().items()} == dtypes
    tensors = list(on_gpu.parameters()) + list(on_gpu.buffers())
    assert all(isinstance(t.data, mx.array) for t in tensors)
    assert all(t.device == lucid.device("gpu") for t in tensors)
    np.testing.assert_allclose(on_gpu(x.to("gpu")).numpy(), want, rtol=1e-5, atol=1e-6)
    back = on_gpu.to("cpu")
    assert all(isinstance(t.data, np.ndarray) for t in back.parameters())
    np.testing.assert_allclose(back(x).numpy(), want, rtol=1e-5, atol=1e-6)
