"""A third-party backend, installed from tests/toy_backend as a distribution with an
entry point, is found by Lucid and runs ops with no change to core."""

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import lucid
from lucid.errors import BackendError, DeviceMismatchError
from lucid.testing import CASES, check_forward, check_grad

TOY_SOURCE = Path(__file__).parent / "toy_backend"


@pytest.fixture
def toy_installed(tmp_path):
    """Install the toy package into a fresh site directory: the code plus a dist-info
    with its entry point, exactly what ``pip install`` would leave behind."""
    site = tmp_path / "site"
    shutil.copytree(TOY_SOURCE / "toy_lucid_backend", site / "toy_lucid_backend")
    info = site / "toy_lucid_backend-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-lucid-backend\n"
                                   "Version: 0.1.0\n")
    (info / "entry_points.txt").write_text(
        "[lucid.backends]\ntoy = toy_lucid_backend.plugin\n")
    before = lucid.backends.binding()
    sys.path.insert(0, str(site))
    try:
        lucid.backends.discover()
        yield lucid.backends.get("toy")
    finally:
        sys.path.remove(str(site))
        for device_type in ("cpu", "gpu"):
            if device_type in before:
                lucid.backends.bind(device_type, before[device_type])
            else:
                lucid.backends.unbind(device_type)


def test_toy_backend_is_discovered_through_its_entry_point(toy_installed):
    assert "toy" in lucid.backends.available()
    assert type(toy_installed).__module__ == "toy_lucid_backend.backend"


def test_ops_and_gradients_run_on_the_toy_backend(toy_installed):
    lucid.backends.bind("cpu", "toy")
    x = lucid.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert type(x.data).__name__ == "ToyArray"
    w = lucid.tensor([[0.5], [-1.0]], requires_grad=True)
    loss = ((x @ w).exp() * 2.0).sum()
    loss.backward()
    xv, wv = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5], [-1.0]])
    e = np.exp(xv @ wv)
    np.testing.assert_allclose(loss.item(), 2 * e.sum(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), 2 * e @ wv.T, rtol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), xv.T @ (2 * e), rtol=1e-6)


def test_toy_backend_passes_the_conformance_checks_of_its_ops(toy_installed):
    lucid.backends.bind("cpu", "toy")
    checked = 0
    for op in toy_installed.kernels:
        for c in CASES.get(op, []):
            check_forward(c)
            check_grad(c)
            checked += 1
    assert checked >= len(toy_installed.kernels)


def test_missing_kernel_names_backend_and_op(toy_installed):
    lucid.backends.bind("cpu", "toy")
    x = lucid.tensor([1.0, 2.0])
    with pytest.raises(NotImplementedError, match="backend 'toy' has no kernel for op 'log'"):
        lucid.log(x)
    report = lucid.backends.coverage()["toy"]
    assert "log" in report["missing"] and "add" not in report["missing"]


def test_mixing_devices_names_both(toy_installed):
    lucid.backends.bind("gpu", "toy")
    a = lucid.tensor([1.0, 2.0])
    b = lucid.tensor([1.0, 2.0], device="gpu")
    with pytest.raises(DeviceMismatchError, match="cpu and gpu"):
        a + b
    moved = b.to("cpu")
    np.testing.assert_array_equal((a + moved).numpy(), [2.0, 4.0])
    assert moved.dtype == lucid.float32


def test_rebinding_refuses_stale_tensors_and_to_moves_them(toy_installed):
    a = lucid.tensor([1.0, 2.0])
    lucid.backends.bind("cpu", "toy")
    with pytest.raises(BackendError, match="served by 'toy'"):
        a + lucid.tensor([1.0, 1.0])
    moved = a.to("cpu")
    assert type(moved.data).__name__ == "ToyArray"


def test_unknown_backend_gives_install_hint():
    with pytest.raises(BackendError, match="not available"):
        lucid.backends.bind("cpu", "no-such-backend")
