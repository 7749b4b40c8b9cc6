"""Module.to(device) across backends. No GPU is needed: a NumPy backend that agrees to
serve ``gpu`` is registered for the test, so the move goes through Lucid's real
cross-backend path (data copied through NumPy, device recorded on every tensor)."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid_backend_numpy.backend as numpy_backend  # noqa: E402
from lucid.hookspecs import hookimpl


class FakeGpu(numpy_backend.NumpyBackend):
    name = "fake_gpu_numpy"

    def check_device(self, device_type: str) -> None:
        """Serves any device."""


class FakeGpuPlugin:
    @hookimpl
    def lucid_backends(self):
        return [FakeGpu()]


PLUGIN = FakeGpuPlugin()


@pytest.fixture
def gpu():
    lucid.backends.register(PLUGIN, name="fake-gpu-for-lucid-nn-tests")  # once
    before = lucid.backends.binding().get("gpu")
    lucid.backends.bind("gpu", "fake_gpu_numpy")
    try:
        yield lucid.device("gpu")
    finally:
        if before is None:
            lucid.backends.unbind("gpu")
        else:
            lucid.backends.bind("gpu", before)


def test_module_to_device_and_back(gpu):
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
    params = list(model.parameters())
    weights = [p.numpy().copy() for p in params]
    model.to(gpu)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.device == gpu and p.requires_grad for p in model.parameters())
    assert all(b.device == gpu for b in model.buffers())
    for p, w in zip(model.parameters(), weights):
        np.testing.assert_array_equal(p.numpy(), w)
    loss = model(lucid.ones(4, 2, device=gpu)).sum()
    loss.backward()
    assert params[0].grad.device == gpu
    assert int(model[1].num_batches_tracked.item()) == 1
    model.cpu()
    assert all(p.device == lucid.device("cpu") for p in model.parameters())
    assert params[0].grad.device == lucid.device("cpu")  # gradients travel too
    with pytest.raises(lucid.DeviceMismatchError):
        model(lucid.ones(4, 2, device=gpu))


def test_state_dict_loads_across_devices(gpu):
    src = nn.Linear(3, 2).to(gpu)
    dst = nn.Linear(3, 2)
    dst.load_state_dict(src.state_dict())
    assert dst.weight.device == lucid.device("cpu")
    np.testing.assert_array_equal(dst.weight.numpy(), src.weight.numpy())


def test_layers_created_on_device(gpu):
    layer = nn.Conv2d(1, 2, 3, device="gpu")
    assert layer.weight.device == gpu and layer.bias.device == gpu
    assert nn.BatchNorm2d(2, device="gpu").running_mean.device == gpu
