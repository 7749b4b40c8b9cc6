"""Rebinding a device mid-training: ``lucid.backends.rebind(device, backend, model, opt)``
moves the model's parameters/buffers and the optimizer's state in one call, and training
continues exactly as if it had stayed on the first backend (compared against that run)."""

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F
from lucid import optim


@pytest.fixture
def backends():
    """(current backend of cpu, the other one); the binding is restored afterwards."""
    current = lucid.backends.binding().get("cpu") or lucid.backends.serving(
        lucid.device("cpu")).name
    other = "mlx" if current == "numpy" else "numpy"
    try:
        lucid.backends.get(other)
    except lucid.errors.BackendError as exc:
        pytest.fail(f"both backends are installed in every test session: {exc}")
    yield current, other
    lucid.backends.bind("cpu", current)


def make(seed=0):
    lucid.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    return model, optim.Adam(model.parameters(), lr=0.05, weight_decay=0.01)


def step(model, opt, x, y):
    loss = F.cross_entropy(model(lucid.tensor(x)), lucid.tensor(y))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((16, 5)).astype(np.float32), rng.integers(0, 3, 16)


def test_rebind_moves_model_and_optimizer_and_training_continues(backends):
    current, other = backends
    x, y = data()
    ref_model, ref_opt = make()
    ref_losses = [step(ref_model, ref_opt, x, y) for _ in range(4)]

    model, opt = make()
    losses = [step(model, opt, x, y) for _ in range(2)]
    lucid.backends.rebind("cpu", other, model, opt)
    assert lucid.backends.binding()["cpu"] == other
    backend = lucid.backends.serving(lucid.device("cpu"))
    for t in [*model.parameters(), *model.buffers()]:
        assert backend.is_native(t.data)
    for state in opt.state.values():
        for key in ("exp_avg", "exp_avg_sq"):
            assert backend.is_native(state[key].data)
    losses += [step(model, opt, x, y) for _ in range(2)]
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    for (name, a), b in zip(model.state_dict().items(), ref_model.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)


def test_without_moving_the_old_tensors_fail_clearly(backends):
    _, other = backends
    model, opt = make()
    x, y = data()
    step(model, opt, x, y)
    lucid.backends.bind("cpu", other)
    with pytest.raises(lucid.errors.BackendError, match="move it with"):
        step(model, opt, x, y)
    model.to("cpu")  # the model alone: its optimizer's state is still the old backend's
    with pytest.raises(lucid.errors.BackendError, match=r"optimizer.to\('cpu'\)"):
        step(model, opt, x, y)
    opt.to("cpu")
    assert np.isfinite(step(model, opt, x, y))


def test_rebind_rejects_tensors_and_changes_nothing(backends):
    current, other = backends
    t = lucid.ones(2)
    with pytest.raises(TypeError, match="t = t.to"):
        lucid.backends.rebind("cpu", other, t)
    with pytest.raises(TypeError, match="cannot be moved in place"):
        lucid.backends.rebind("cpu", other, object())
    assert lucid.backends.binding()["cpu"] == current
