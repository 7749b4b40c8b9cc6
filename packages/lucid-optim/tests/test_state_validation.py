"""Optimizer state dicts and arguments are validated when given (issue 10): a state dict of
another optimizer, a state missing a buffer, or malformed groups raise a ``ValueError`` that
names what is wrong, and the optimizer is left exactly as it was."""

import copy

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.optim as optim


def _model():
    lucid.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def _stepped(opt, model, steps=2):
    for _ in range(steps):
        opt.zero_grad()
        model(lucid.ones((5, 3))).pow(2).sum().backward()
        opt.step()
    return opt


def _snapshot(opt):
    groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    state = {id(p): {k: (v.numpy().copy() if isinstance(v, lucid.Tensor) else v)
                     for k, v in s.items()} for p, s in opt.state.items()}
    return copy.deepcopy(groups), state


def _assert_unchanged(opt, before):
    groups, state = _snapshot(opt)
    assert groups == before[0]
    assert state.keys() == before[1].keys()
    for key in state:
        for name, value in state[key].items():
            np.testing.assert_array_equal(value, before[1][key][name])


@pytest.fixture
def adam_and_model():
    model = _model()
    return _stepped(optim.Adam(model.parameters(), lr=0.01), model), model


def _fails(opt, state_dict, match):
    before = _snapshot(opt)
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict(state_dict)
    _assert_unchanged(opt, before)


def test_adam_refuses_an_sgd_state_dict(adam_and_model):
    adam, model = adam_and_model
    sgd = _stepped(optim.SGD(model.parameters(), lr=0.1, momentum=0.9), model)
    _fails(adam, sgd.state_dict(), r"\['dampening', 'momentum', 'nesterov'\].*another")
    plain_sgd = optim.SGD(model.parameters(), lr=0.1)  # no state at all: the groups tell
    _fails(adam, plain_sgd.state_dict(), "another optimizer")


def test_sgd_refuses_an_adam_state_dict(adam_and_model):
    adam, model = adam_and_model
    sgd = _stepped(optim.SGD(model.parameters(), lr=0.1, momentum=0.9), model)
    _fails(sgd, adam.state_dict(), "betas")


def test_a_state_missing_a_buffer_is_refused_at_load_not_in_step(adam_and_model):
    adam, model = adam_and_model
    sd = adam.state_dict()
    del sd["state"][1]["exp_avg_sq"]
    _fails(adam, sd, r"parameter 1 lacks \['exp_avg_sq'\]")
    fresh = optim.Adam(_model().parameters())
    _fails(fresh, sd, "exp_avg_sq")
    other = _model()
    amsgrad = _stepped(optim.Adam(other.parameters(), amsgrad=True), other)
    sd = amsgrad.state_dict()
    del sd["state"][0]["max_exp_avg_sq"]
    _fails(amsgrad, sd, "max_exp_avg_sq")


@pytest.mark.parametrize("bad,match", [
    ({"state": {}, "param_groups": "x"}, "'param_groups' must be a list"),
    ({"state": {}, "param_groups": ["x"]}, "group 0 is a str"),
    ({"state": {}, "param_groups": [{"params": "ab"}]}, "list of parameter indices"),
    ({"state": "x", "param_groups": None}, "'param_groups' must be a list"),
    ({"state": [], "param_groups": [{"params": [0, 1, 2, 3]}]}, "'state' must be a dict"),
    ({"state": {0: "x"}, "param_groups": [{"params": [0, 1, 2, 3]}]}, "not a dict"),
    ({"param_groups": []}, "keys 'state' and 'param_groups'"),
    ("x", "keys 'state' and 'param_groups'"),
], ids=["groups-str", "group-str", "params-str", "groups-none", "state-list", "state-entry",
        "no-state", "not-a-dict"])
def test_malformed_state_dicts_name_the_problem(adam_and_model, bad, match):
    adam, _ = adam_and_model
    _fails(adam, bad, match)


def test_a_wrong_shape_or_hyper_parameter_is_refused(adam_and_model):
    adam, _ = adam_and_model
    sd = adam.state_dict()
    sd["state"][0]["exp_avg"] = lucid.zeros((7,))
    _fails(adam, sd, "shape")
    sd = adam.state_dict()
    sd["param_groups"][0]["lr"] = -1.0
    _fails(adam, sd, "learning rate")


def test_a_valid_round_trip_still_loads_and_resumes(adam_and_model):
    adam, model = adam_and_model
    other = optim.Adam(model.parameters(), lr=0.01)
    other.load_state_dict(adam.state_dict())
    assert other.state_dict()["state"][0]["step"] == adam.state_dict()["state"][0]["step"]
    _stepped(other, model, 1)


def test_constructor_arguments_are_checked():
    model = _model()
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optim.Adam([{"params": list(model.parameters())[:1]}, "x"])
    with pytest.raises(TypeError, match="str"):
        optim.Adam("x")
    with pytest.raises(TypeError):
        optim.Adam(model.parameters(), param_groups="x")
    with pytest.raises(ValueError, match="learning rate -1"):
        optim.Adam(model.parameters(), lr=-1)
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
