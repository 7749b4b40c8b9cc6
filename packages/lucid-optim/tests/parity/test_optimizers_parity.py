"""Every optimizer, with each of its options, against ``torch.optim``: 100 steps on the
same tiny MLP, same initial weights, identical gradients, float64; the parameters must
agree within 1e-10 (relative) after every step."""

from __future__ import annotations

import numpy as np
import pytest
import torch  # noqa: E402
from _optim_parity_problem import INIT, loss_and_grads  # noqa: E402

import lucid  # noqa: E402
import lucid.optim as lo  # noqa: E402

RTOL, ATOL = 1e-10, 1e-13
STEPS = 100

CASES = {
    "SGD": [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, dampening=0.5),
            dict(lr=0.1, momentum=0.9, nesterov=True), dict(lr=0.1, weight_decay=0.05),
            dict(lr=0.05, momentum=0.5, weight_decay=0.05, maximize=True), dict()],
    "Adam": [dict(), dict(lr=1e-2), dict(lr=1e-2, amsgrad=True),
             dict(lr=1e-2, weight_decay=0.1), dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6),
             dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True),
             dict(lr=1e-2, maximize=True)],
    "AdamW": [dict(), dict(lr=1e-2, weight_decay=0.5), dict(lr=1e-2, amsgrad=True),
              dict(lr=1e-2, maximize=True)],
    "NAdam": [dict(), dict(lr=1e-2, weight_decay=0.1), dict(lr=1e-2, momentum_decay=0.05),
              dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True),
              dict(lr=1e-2, maximize=True)],
    "RAdam": [dict(), dict(lr=1e-2, weight_decay=0.1),
              dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True),
              dict(lr=1e-2, betas=(0.9, 0.9)), dict(lr=1e-2, maximize=True)],
    "Adamax": [dict(), dict(lr=1e-2, weight_decay=0.1), dict(lr=1e-2, betas=(0.8, 0.99)),
               dict(lr=1e-2, maximize=True)],
    "Adagrad": [dict(), dict(lr=0.1, lr_decay=0.01), dict(lr=0.1, initial_accumulator_value=0.5),
                dict(lr=0.1, eps=1e-3, weight_decay=0.1), dict(lr=0.1, maximize=True)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.5), dict(eps=1e-3, weight_decay=0.1),
                 dict(maximize=True)],
    "RMSprop": [dict(), dict(lr=1e-3, centered=True), dict(lr=1e-3, momentum=0.9),
                dict(lr=1e-3, centered=True, momentum=0.5, alpha=0.9),
                dict(lr=1e-3, weight_decay=0.1, eps=1e-4), dict(lr=1e-3, maximize=True)],
    "Rprop": [dict(), dict(lr=0.05, etas=(0.3, 1.5)), dict(step_sizes=(1e-4, 0.02)),
              dict(maximize=True)],
    "ASGD": [dict(), dict(lr=0.1, lambd=1e-2, alpha=0.5), dict(lr=0.1, t0=10),
             dict(lr=0.05, weight_decay=0.1, t0=20), dict(lr=0.05, maximize=True)],
}
PARAMS = [(name, kwargs) for name, options in CASES.items() for kwargs in options]


def _set_grads_lucid(params, sign=1.0):
    _, grads = loss_and_grads([p.numpy() for p in params])
    for p, g in zip(params, grads):
        p.grad = lucid.tensor(sign * g, dtype=lucid.float64)


def _set_grads_torch(params, sign=1.0):
    _, grads = loss_and_grads([p.detach().numpy() for p in params])
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(sign * g)


def _sign(kwargs) -> float:
    """With ``maximize`` the optimizers climb ``-loss`` (a bounded problem, so rounding
    differences are not amplified by divergence)."""
    return -1.0 if kwargs.get("maximize") else 1.0


def _compare(lucid_params, torch_params, step) -> float:
    worst = 0.0
    for i, (lp, tp) in enumerate(zip(lucid_params, torch_params)):
        a, b = lp.numpy(), tp.detach().numpy()
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL,
                                   err_msg=f"parameter {i} after step {step}")
        worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-3))))
    return worst


def _make(name, kwargs, groups: bool):
    lucid_params = [lucid.tensor(a.copy(), dtype=lucid.float64, requires_grad=True) for a in INIT]
    torch_params = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True)
                    for a in INIT]
    if groups:  # two groups, the second with half the default learning rate
        lr = kwargs.get("lr", getattr(torch.optim, name)([torch.zeros(1)]).defaults["lr"])
        def split(ps):
            return [{"params": ps[:2]}, {"params": ps[2:], "lr": lr / 2}]
        return (getattr(lo, name)(split(lucid_params), **kwargs), lucid_params,
                getattr(torch.optim, name)(split(torch_params), **kwargs), torch_params)
    return (getattr(lo, name)(lucid_params, **kwargs), lucid_params,
            getattr(torch.optim, name)(torch_params, **kwargs), torch_params)


@pytest.mark.parametrize("name,kwargs", PARAMS,
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
                              for n, kw in PARAMS])
def test_optimizer_matches_torch(name, kwargs):
    lopt, lps, topt, tps = _make(name, kwargs, groups=False)
    for step in range(1, STEPS + 1):
        _set_grads_lucid(lps, _sign(kwargs))
        _set_grads_torch(tps, _sign(kwargs))
        lopt.step()
        topt.step()
        _compare(lps, tps, step)
    assert not np.allclose(lps[0].numpy(), INIT[0])  # the optimizer did move
    for lp, tp in zip(lps, tps):  # and the state (ASGD's average, buffers...) agrees too
        for key, tvalue in topt.state[tp].items():
            lvalue = lopt.state[lp][key]  # scalar state (step, eta...) is a host float
            lvalue = lvalue.numpy() if isinstance(lvalue, lucid.Tensor) else np.asarray(lvalue)
            np.testing.assert_allclose(lvalue, tvalue.numpy(), rtol=RTOL, atol=ATOL,
                                       err_msg=f"state {key!r}")


@pytest.mark.parametrize("name", list(CASES))
def test_param_groups_match_torch(name):
    lopt, lps, topt, tps = _make(name, dict(CASES[name][0]), groups=True)
    for step in range(1, 31):
        _set_grads_lucid(lps)
        _set_grads_torch(tps)
        lopt.step()
        topt.step()
        _compare(lps, tps, step)


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_layout_matches_torch(name):
    lopt, lps, topt, tps = _make(name, dict(CASES[name][-1]), groups=True)
    for _ in range(3):
        _set_grads_lucid(lps, _sign(CASES[name][-1]))
        _set_grads_torch(tps, _sign(CASES[name][-1]))
        lopt.step()
        topt.step()
    lsd, tsd = lopt.state_dict(), topt.state_dict()
    assert list(lsd["state"]) == list(tsd["state"])
    for index, tstate in tsd["state"].items():
        lstate = lsd["state"][index]
        assert set(lstate) == set(tstate)
        for key, tvalue in tstate.items():
            np.testing.assert_allclose(lstate[key].numpy(), tvalue.numpy(), rtol=RTOL,
                                       atol=ATOL)
            assert str(lstate[key].dtype) .split(".")[-1] == str(tvalue.dtype).split(".")[-1]
    for lgroup, tgroup in zip(lsd["param_groups"], tsd["param_groups"]):
        assert lgroup["params"] == tgroup["params"]
        for key, value in lgroup.items():
            assert tgroup[key] == value, key


def _to_lucid(value):
    """A PyTorch state dict's contents with Lucid tensors instead of torch tensors."""
    if isinstance(value, torch.Tensor):
        return lucid.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: _to_lucid(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_lucid(v) for v in value)
    return value


@pytest.mark.parametrize("name,kwargs", [(n, CASES[n][i]) for n in CASES for i in (0, -1)],
                         ids=[f"{n}-{i}" for n in CASES for i in ("first", "last")])
def test_a_torch_state_dict_loads_and_training_continues_in_step(name, kwargs):
    """PyTorch's layout (0-d float32 ``step``, ``mu_product``, ``eta``...) loads into the
    host-scalar state, and the next steps match PyTorch's."""
    _, _, topt, tps = _make(name, kwargs, groups=True)
    for _ in range(5):
        _set_grads_torch(tps, _sign(kwargs))
        topt.step()
    lps = [lucid.tensor(p.detach().numpy().copy(), dtype=lucid.float64, requires_grad=True)
           for p in tps]
    lr = kwargs.get("lr", topt.defaults["lr"])
    lopt = getattr(lo, name)([{"params": lps[:2]}, {"params": lps[2:], "lr": lr / 2}], **kwargs)
    lopt.load_state_dict(_to_lucid(topt.state_dict()))
    for step in range(1, 21):
        _set_grads_lucid(lps, _sign(kwargs))
        _set_grads_torch(tps, _sign(kwargs))
        lopt.step()
        topt.step()
        _compare(lps, tps, step)
