"""The Optimizer base: parameter groups, zero_grad, step and closures, state dicts (their
layout, their errors, and bit-for-bit resumption through lucid.save/lucid.load), and
device checks."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from _optim_model import INIT, loss_fn, make_params, train_step

import lucid
import lucid.optim as lo
from lucid.backend import Backend
from lucid.errors import DeviceMismatchError
from lucid.optim.lr_scheduler import OneCycleLR, StepLR


def _p(*values):
    return lucid.tensor(list(values), dtype=lucid.float64, requires_grad=True)


# -- construction and groups --------------------------------------------------------------
def test_empty_parameter_list_is_rejected():
    with pytest.raises(ValueError, match="empty parameter list"):
        lo.SGD([], lr=0.1)


def test_a_single_tensor_or_a_set_is_rejected():
    with pytest.raises(TypeError):
        lo.SGD(_p(1.0), lr=0.1)
    with pytest.raises(TypeError, match="ordered"):
        lo.SGD([{"params": {_p(1.0)}}])


def test_non_tensors_and_non_leaves_are_rejected():
    with pytest.raises(TypeError, match="tensors"):
        lo.SGD([1.0])
    a = _p(1.0)
    with pytest.raises(ValueError, match="non-leaf"):
        lo.SGD([a * 2])


def test_groups_take_defaults_and_override_them():
    a, b = _p(1.0), _p(2.0)
    opt = lo.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0, 0.9]
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is b
    assert set(opt.param_groups[0]) == set(opt.defaults) | {"params"}


def test_add_param_group_rejects_duplicates():
    a, b = _p(1.0), _p(2.0)
    opt = lo.Adam([a])
    opt.add_param_group({"params": [b], "lr": 0.01})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="more than once"):
        lo.Adam([b, b])
    assert len(opt.param_groups) == 2


def test_bad_hyper_parameters_say_which():
    with pytest.raises(ValueError, match="learning rate -1"):
        lo.SGD([_p(1.0)], lr=-1)
    with pytest.raises(ValueError, match="beta"):
        lo.Adam([_p(1.0)], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="Nesterov"):
        lo.SGD([_p(1.0)], nesterov=True)


def test_torch_default_hyper_parameters():
    p = [_p(1.0)]
    assert lo.SGD(p).defaults["lr"] == 1e-3
    assert lo.Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                       amsgrad=False, maximize=False,
                                       decoupled_weight_decay=False, capturable=False)
    assert lo.NAdam(p).defaults["lr"] == 2e-3 and lo.NAdam(p).defaults["momentum_decay"] == 4e-3
    assert lo.Adamax(p).defaults["lr"] == 2e-3
    assert lo.Adagrad(p).defaults["eps"] == 1e-10
    assert lo.Adadelta(p).defaults["lr"] == 1.0 and lo.Adadelta(p).defaults["eps"] == 1e-6
    assert lo.RMSprop(p).defaults["alpha"] == 0.99
    assert lo.Rprop(p).defaults["etas"] == (0.5, 1.2)
    assert lo.ASGD(p).defaults["t0"] == 1e6
    assert lo.LBFGS(p).defaults["max_eval"] == 25


# -- zero_grad, step, closure --------------------------------------------------------------
def test_zero_grad_to_none_or_zeros():
    a = _p(1.0, 2.0)
    opt = lo.SGD([a], lr=0.1)
    a.grad = lucid.tensor([3.0, 4.0], dtype=lucid.float64)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])
    opt.zero_grad()
    assert a.grad is None


def test_parameters_without_gradient_are_skipped():
    a, b = _p(1.0), _p(2.0)
    opt = lo.Adam([a, b], lr=0.1)
    a.grad = lucid.tensor([1.0], dtype=lucid.float64)
    opt.step()
    assert b not in opt.state and b.numpy().tolist() == [2.0]
    assert a in opt.state and a.numpy().tolist() != [1.0]


def test_step_records_no_graph():
    a = _p(1.0, 2.0)
    opt = lo.Adam([a], lr=0.1)
    a.grad = lucid.tensor([1.0, 1.0], dtype=lucid.float64)
    opt.step()
    assert a.is_leaf and a.requires_grad
    state = opt.state[a]
    assert isinstance(state["step"], float)  # the step count stays on the host
    assert all(t.is_leaf for t in state.values() if isinstance(t, lucid.Tensor))


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned():
    a = _p(1.0, -2.0)
    opt = lo.SGD([a], lr=0.1)
    seen = []

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        seen.append(lucid.is_grad_enabled())
        return loss

    with lucid.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert float(loss) == 5.0
    np.testing.assert_allclose(a.numpy(), [0.8, -1.6], rtol=1e-15)  # p - 0.1 * 2p


def test_training_decreases_the_loss():
    params = make_params()
    opt = lo.Adam(params, lr=0.05)
    first = float(train_step(params, opt))
    for _ in range(50):
        last = float(train_step(params, opt))
    assert last < 0.5 * first


# -- state dicts ----------------------------------------------------------------------------
def test_state_dict_layout():
    params = make_params()
    opt = lo.Adam([{"params": params[:2]}, {"params": params[2:], "lr": 0.01}], lr=0.1)
    for _ in range(2):
        train_step(params, opt)
    sd = opt.state_dict()
    assert list(sd["state"]) == [0, 1, 2, 3]
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.01]
    state = sd["state"][2]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq"}
    assert all(isinstance(v, lucid.Tensor) for v in state.values())
    assert state["step"].shape == () and float(state["step"]) == 2.0
    assert state["exp_avg"].shape == params[2].shape


def test_state_dict_is_a_snapshot():
    params = make_params()
    opt = lo.Adam(params, lr=0.1)
    train_step(params, opt)
    sd = opt.state_dict()
    before = sd["state"][0]["exp_avg"].numpy().copy()
    train_step(params, opt)
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].numpy(), before)
    assert float(sd["state"][0]["step"]) == 1.0


def _trained(cls, kwargs, steps):
    params = make_params()
    opt = cls(params, **kwargs)
    for _ in range(steps):
        train_step(params, opt)
    return params, opt


def _assert_unchanged(opt, reference_sd):
    sd = opt.state_dict()
    assert [{k: v for k, v in g.items()} for g in sd["param_groups"]] == \
        reference_sd["param_groups"]
    assert list(sd["state"]) == list(reference_sd["state"])
    for i, state in sd["state"].items():
        for key, value in state.items():
            np.testing.assert_array_equal(np.asarray(value.numpy() if hasattr(value, "numpy")
                                                     else value),
                                          np.asarray(reference_sd["state"][i][key].numpy()
                                                     if hasattr(value, "numpy")
                                                     else reference_sd["state"][i][key]))


def test_load_state_dict_rejects_a_different_group_count():
    _, source = _trained(lo.Adam, {}, 2)
    params = make_params()
    target = lo.Adam([{"params": params[:2]}, {"params": params[2:]}])
    before = target.state_dict()
    with pytest.raises(ValueError, match="1 parameter groups, this optimizer has 2"):
        target.load_state_dict(source.state_dict())
    _assert_unchanged(target, before)


def test_load_state_dict_rejects_a_different_parameter_count():
    _, source = _trained(lo.Adam, {}, 2)
    target = lo.Adam(make_params()[:3])
    with pytest.raises(ValueError, match="group 0 of the state dict has 4 parameters"):
        target.load_state_dict(source.state_dict())


def test_load_state_dict_rejects_a_wrong_state_shape_and_changes_nothing():
    _, source = _trained(lo.Adam, {}, 2)
    params, target = _trained(lo.Adam, dict(lr=0.5), 1)
    before = target.state_dict()
    bad = copy.deepcopy(source.state_dict())
    bad["state"][3]["exp_avg_sq"] = lucid.zeros(5, dtype=lucid.float64)
    with pytest.raises(ValueError, match=r"'exp_avg_sq' of parameter 3 has shape \(5,\)"):
        target.load_state_dict(bad)
    _assert_unchanged(target, before)
    assert target.param_groups[0]["lr"] == 0.5


def test_load_state_dict_rejects_unknown_indices_and_non_dicts():
    _, source = _trained(lo.SGD, dict(momentum=0.9), 1)
    target = lo.SGD(make_params(), momentum=0.9)
    bad = copy.deepcopy(source.state_dict())
    bad["state"][7] = bad["state"][0]
    with pytest.raises(ValueError, match="parameter 7"):
        target.load_state_dict(bad)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        target.load_state_dict({"state": {}})
    assert target.state == {}


def test_load_state_dict_restores_hyper_parameters():
    _, source = _trained(lo.SGD, dict(lr=0.3, momentum=0.9), 1)
    params = make_params()
    target = lo.SGD(params, lr=0.01)
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.3
    assert target.param_groups[0]["params"][0] is params[0]
    assert len(target.state) == 4 and all(p in target.state for p in params)


RESUME = [(lo.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)), (lo.Adam, dict(lr=0.02)),
          (lo.Adam, dict(lr=0.02, amsgrad=True)), (lo.AdamW, dict(lr=0.02)),
          (lo.NAdam, dict(lr=0.02)), (lo.RAdam, dict(lr=0.02)), (lo.Adamax, dict(lr=0.02)),
          (lo.Adagrad, dict(lr=0.1)), (lo.Adadelta, dict()),
          (lo.RMSprop, dict(lr=0.01, centered=True, momentum=0.5)), (lo.Rprop, dict()),
          (lo.ASGD, dict(lr=0.05, t0=3)), (lo.LBFGS, dict(max_iter=3, history_size=4)),
          (lo.LBFGS, dict(max_iter=3, line_search_fn="strong_wolfe"))]


def _round_trip(obj, tmp_path):
    """Through lucid.save/lucid.load when core has them, else through a deep copy."""
    if hasattr(lucid, "save"):
        path = tmp_path / "checkpoint.lcd"
        lucid.save(obj, path)
        return lucid.load(path)
    return copy.deepcopy(obj)


@pytest.mark.parametrize("cls,kwargs", RESUME, ids=lambda v: getattr(v, "__name__", "") or
                         "-".join(f"{k}={x}" for k, x in v.items()))
def test_resume_from_a_checkpoint_is_bit_for_bit(cls, kwargs, tmp_path):
    n = 6
    reference, _ = _trained(cls, kwargs, 2 * n)

    params, opt = _trained(cls, kwargs, n)
    checkpoint = _round_trip({"params": [p.detach() for p in params],
                              "optim": opt.state_dict()}, tmp_path)
    params = make_params([t.numpy() for t in checkpoint["params"]])
    opt = cls(params, **kwargs)
    opt.load_state_dict(checkpoint["optim"])
    for _ in range(n):
        train_step(params, opt)
    for a, b in zip(params, reference):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_resume_with_schedulers_is_bit_for_bit(tmp_path):
    def build(params):
        opt = lo.SGD(params, lr=0.1, momentum=0.9)
        return opt, OneCycleLR(opt, max_lr=0.2, total_steps=20), StepLR(opt, 3, 0.5)

    params = make_params()
    opt, one_cycle, _ = build(params)
    for _ in range(16):
        train_step(params, opt)
        one_cycle.step()
    reference = [p.numpy() for p in params]

    params = make_params()
    opt, one_cycle, step_lr = build(params)
    for _ in range(8):
        train_step(params, opt)
        one_cycle.step()
    checkpoint = _round_trip({"params": [p.detach() for p in params], "optim": opt.state_dict(),
                              "sched": one_cycle.state_dict()}, tmp_path)
    params = make_params([t.numpy() for t in checkpoint["params"]])
    opt, one_cycle, _ = build(params)
    opt.load_state_dict(checkpoint["optim"])
    one_cycle.load_state_dict(checkpoint["sched"])
    for _ in range(8):
        train_step(params, opt)
        one_cycle.step()
    for a, b in zip(params, reference):
        np.testing.assert_array_equal(a.numpy(), b)


def test_loaded_state_follows_the_parameter_dtype_but_keeps_step_float32():
    _, source = _trained(lo.Adam, {}, 2)
    params = [lucid.tensor(v, dtype=lucid.float32, requires_grad=True) for v in INIT]
    target = lo.Adam(params)
    target.load_state_dict(source.state_dict())
    state = target.state[params[0]]
    assert state["exp_avg"].dtype == lucid.float32
    assert state["step"] == 2.0 and isinstance(state["step"], float)
    step = target.state_dict()["state"][0]["step"]
    assert step.dtype == lucid.float32 and step.shape == ()


# -- devices ---------------------------------------------------------------------------------
class _NumpyOnGpu(Backend):
    """NumPy kernels serving the ``gpu`` device: a second device for the tests."""

    name = "optim-tests-numpy-gpu"

    def __init__(self):
        super().__init__()
        self._numpy = lucid.backends.get("numpy")
        self.kernels = dict(self._numpy.kernels)

    def from_numpy(self, array):
        return self._numpy.from_numpy(array)

    def to_numpy(self, array):
        return self._numpy.to_numpy(array)

    def native_dtype(self, dtype):
        return self._numpy.native_dtype(dtype)

    def dtype_of(self, array):
        return self._numpy.dtype_of(array)

    def is_native(self, value):
        return self._numpy.is_native(value)


class _Plugin:
    backend = None

    @lucid.hookimpl
    def lucid_backends(self):
        if _Plugin.backend is None:
            _Plugin.backend = _NumpyOnGpu()
        return [_Plugin.backend]


_PLUGIN = _Plugin()


@pytest.fixture
def second_device():
    before = lucid.backends.binding()
    lucid.backends.register(_PLUGIN, name="optim-tests")
    lucid.backends.bind("gpu", _NumpyOnGpu.name)
    try:
        yield "gpu"
    finally:
        if "gpu" in before:
            lucid.backends.bind("gpu", before["gpu"])
        else:
            lucid.backends.unbind("gpu")


def test_state_on_another_device_raises_before_anything_changes(second_device):
    a, b = _p(1.0, 2.0), _p(3.0)
    opt = lo.Adam([a, b], lr=0.1)
    a.grad = lucid.tensor([1.0, 1.0], dtype=lucid.float64)
    b.grad = lucid.tensor([1.0], dtype=lucid.float64)
    opt.step()
    opt.state[b]["exp_avg"] = opt.state[b]["exp_avg"].to(second_device)
    before_a, before_b = a.numpy().copy(), b.numpy().copy()
    with pytest.raises(DeviceMismatchError, match="cpu but its state 'exp_avg' is on gpu"):
        opt.step()
    np.testing.assert_array_equal(a.numpy(), before_a)
    np.testing.assert_array_equal(b.numpy(), before_b)


def test_gradient_on_another_device_raises(second_device):
    a = _p(1.0, 2.0)
    opt = lo.SGD([a], lr=0.1)
    with pytest.raises(DeviceMismatchError, match="assigned grad is on gpu"):
        a.grad = lucid.tensor([1.0, 1.0], dtype=lucid.float64, device=second_device)
    assert a.grad is None
    opt.step()  # nothing to do
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])


def test_updates_run_on_the_parameters_device(second_device):
    a = lucid.tensor([1.0, 2.0], dtype=lucid.float64, device=second_device, requires_grad=True)
    opt = lo.Adam([a], lr=0.1)
    a.grad = lucid.tensor([1.0, -1.0], dtype=lucid.float64, device=second_device)
    opt.step()
    assert a.device == second_device
    assert all(t.device == second_device for t in opt.state[a].values()
               if isinstance(t, lucid.Tensor))
    assert opt.state_dict()["state"][0]["step"].device == second_device
    np.testing.assert_allclose(a.numpy(), [0.9, 2.1], rtol=1e-7)


def test_load_state_dict_moves_state_to_the_parameters_device(second_device):
    _, source = _trained(lo.Adam, {}, 1)
    params = [lucid.tensor(v, dtype=lucid.float64, device=second_device, requires_grad=True)
              for v in INIT]
    target = lo.Adam(params)
    target.load_state_dict(source.state_dict())
    assert all(t.device == second_device for t in target.state[params[0]].values()
               if isinstance(t, lucid.Tensor))


def test_loss_fn_is_differentiable():
    params = make_params()
    loss_fn(params).backward()
    assert all(p.grad is not None for p in params)


def test_lbfgs_parameters_on_two_devices_raise(second_device):
    a = _p(1.0)
    b = lucid.tensor([2.0], dtype=lucid.float64, device=second_device, requires_grad=True)
    opt = lo.LBFGS([a, b])
    with pytest.raises(DeviceMismatchError, match="one device, found cpu and gpu"):
        opt.step(lambda: 0.0)
