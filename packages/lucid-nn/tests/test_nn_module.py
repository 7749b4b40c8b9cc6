"""Module system: registration, traversal, modes, to(), state dicts, repr."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import lucid
import lucid.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(lucid.ones(4))
        self.register_buffer("steps", lucid.zeros(()))
        self.register_buffer("cache", lucid.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc(x) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Block()
        self.b = Block()
        self.shared = self.a.fc  # the same module twice
        self.head = nn.Linear(4, 2, bias=False)

    def forward(self, x):
        return self.head(self.b.fc(x) + self.a(x))


def test_registration_and_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["a.scale", "a.fc.weight", "a.fc.bias", "b.scale", "b.fc.weight",
                     "b.fc.bias", "head.weight"]
    assert len(list(net.parameters())) == 7
    assert [n for n, _ in net.named_buffers()] == ["a.steps", "a.cache", "b.steps", "b.cache"]
    assert [n for n, _ in net.named_children()] == ["a", "b", "shared", "head"]
    # a.fc is reachable twice (as a.fc and as shared) but listed once
    assert [n for n, _ in net.named_modules()] == ["", "a", "a.fc", "b", "b.fc", "head"]
    all_names = [n for n, _ in net.named_modules(remove_duplicate=False)]
    assert "shared" in all_names
    assert net.count_parameters() == 2 * (12 + 4 + 4) + 8
    assert net.get_submodule("a.fc") is net.a.fc
    assert net.get_parameter("a.fc.bias") is net.a.fc.bias
    assert net.get_buffer("b.steps") is net.b.steps
    with pytest.raises(AttributeError):
        net.get_submodule("a.nope")


def test_parameter_is_tensor_and_requires_grad():
    p = nn.Parameter(lucid.zeros(2, 3))
    assert isinstance(p, lucid.Tensor) and p.requires_grad and p.is_leaf
    assert not nn.Parameter(lucid.zeros(2), requires_grad=False).requires_grad
    assert "Parameter containing" in repr(p)
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q is not p and q.requires_grad


def test_assignment_rules():
    m = nn.Module()
    m.w = nn.Parameter(lucid.ones(2))
    with pytest.raises(TypeError):
        m.w = lucid.ones(2)  # a plain tensor cannot replace a parameter
    m.w = None
    assert m.w is None and "w" in m._parameters
    assert list(m.parameters()) == []
    m.buf = nn.Buffer(lucid.zeros(3), persistent=False)
    assert "buf" in m._buffers and "buf" not in m.state_dict()
    m.buf = lucid.ones(3)
    assert m.buf.numpy().tolist() == [1, 1, 1]
    m.sub = nn.Linear(1, 1)
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError):
        _ = m.missing
    with pytest.raises(KeyError):
        m.register_buffer("a.b", lucid.zeros(1))
    with pytest.raises(TypeError):
        m.register_parameter("p", lucid.zeros(1))


class NoInit(nn.Module):
    def __init__(self):
        self.w = nn.Parameter(lucid.zeros(1))


def test_assign_before_init_raises():
    with pytest.raises(AttributeError, match="__init__"):
        NoInit()


def test_train_eval_propagates():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(), nn.Sequential(nn.BatchNorm1d(2)))
    assert all(m.training for m in net.modules())
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_to_dtype_keeps_parameter_identity():
    net = Net()
    params = list(net.parameters())
    net.to(lucid.float64)
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == lucid.float64 and p.requires_grad for p in net.parameters())
    assert net.a.steps.dtype == lucid.float64
    out = net(lucid.ones(2, 3, dtype=lucid.float64))
    out.sum().backward()
    assert params[0].grad is not None and params[0].grad.dtype == lucid.float64
    net.float()
    assert all(p.dtype == lucid.float32 for p in net.parameters())
    assert params[0].grad.dtype == lucid.float32  # gradients follow
    net.to("cpu")
    assert all(str(p.device) == "cpu" for p in net.parameters())
    with pytest.raises(TypeError):
        net.to(lucid.int64)


def test_int_buffers_are_not_cast():
    bn = nn.BatchNorm1d(3).double()
    assert bn.num_batches_tracked.dtype == lucid.int64
    assert bn.running_mean.dtype == lucid.float64


def test_zero_grad_requires_grad_apply():
    net = Net()
    net(lucid.ones(1, 3)).sum().backward()
    assert net.b.scale.grad is None  # unused in forward
    assert all(p.grad is not None for n, p in net.named_parameters() if n != "b.scale")
    net.zero_grad(set_to_none=False)
    assert all(float(lucid.abs(p.grad).sum().item()) == 0 for p in net.parameters()
               if p.grad is not None)
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    assert net.count_parameters(trainable_only=True) == 0
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    # children first; like torch, the shared a.fc is visited via a and via shared
    assert seen[-1] == "Net" and seen.count("Linear") == 4


def test_state_dict_keys_values_and_round_trip():
    net = Net()
    sd = net.state_dict()
    # as in torch, a module reachable under two names is saved under both
    assert list(sd) == ["a.scale", "a.steps", "a.fc.weight", "a.fc.bias", "b.scale",
                        "b.steps", "b.fc.weight", "b.fc.bias", "shared.weight", "shared.bias",
                        "head.weight"]
    assert not sd["a.fc.weight"].requires_grad  # detached
    assert net.state_dict(keep_vars=True)["a.fc.weight"] is net.a.fc.weight
    other = Net()
    result = other.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for k, v in other.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), sd[k].numpy())
    # loading copies: changing the source afterwards does not change the module
    before = other.head.weight.numpy().copy()
    with lucid.no_grad():
        net.head.weight.mul_(2.0)
    np.testing.assert_array_equal(other.head.weight.numpy(), before)


def test_load_state_dict_casts_and_accepts_numpy():
    lin = nn.Linear(2, 2)
    lin.load_state_dict({"weight": np.eye(2), "bias": np.array([1.0, 2.0])})
    assert lin.weight.dtype == lucid.float32
    np.testing.assert_array_equal(lin.bias.numpy(), [1.0, 2.0])


def test_strict_load_failure_changes_nothing():
    net = Net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    bad = {k: lucid.zeros(*v.shape) for k, v in net.state_dict().items()}
    del bad["a.scale"]
    bad["extra.weight"] = lucid.zeros(1)
    bad["head.weight"] = lucid.zeros(3, 3)
    with pytest.raises(KeyError) as info:
        net.load_state_dict(bad)
    message = str(info.value)
    assert "a.scale" in message and "extra.weight" in message and "head.weight" in message
    assert "Missing" in message and "Unexpected" in message and "size mismatch" in message
    assert isinstance(info.value, RuntimeError)  # torch's exception type as well
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_non_strict_load_reports_keys_but_rejects_shapes():
    lin = nn.Linear(2, 3)
    result = lin.load_state_dict({"weight": lucid.zeros(3, 2), "junk": lucid.zeros(1)},
                                 strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["junk"]
    assert float(lucid.abs(lin.weight).sum().item()) == 0
    with pytest.raises(RuntimeError, match="size mismatch"):
        lin.load_state_dict({"weight": lucid.zeros(2, 2)}, strict=False)


def test_state_dict_save_load_file(tmp_path):
    net = Net()
    path = tmp_path / "net.lcd"
    lucid.save(net.state_dict(), path)
    other = Net()
    other.load_state_dict(lucid.load(path))
    np.testing.assert_array_equal(other.a.fc.weight.numpy(), net.a.fc.weight.numpy())


def test_repr_nested_like_torch():
    net = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)),
                                     ("body", nn.Sequential(nn.ReLU(), nn.Linear(2, 3))),
                                     ("drop", nn.Dropout(0.1))]))
    assert repr(net) == (
        "Sequential(\n"
        "  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n"
        "  (body): Sequential(\n"
        "    (0): ReLU()\n"
        "    (1): Linear(in_features=2, out_features=3, bias=True)\n"
        "  )\n"
        "  (drop): Dropout(p=0.1, inplace=False)\n"
        ")")
    assert repr(nn.Module()) == "Module()"


def test_forward_not_implemented():
    with pytest.raises(NotImplementedError):
        nn.Module()(lucid.ones(1))


def test_optional_layer_modules_are_tolerated():
    # rnn/attention/transformer are picked up when present and skipped when absent
    before = list(nn.__all__)
    nn._export("no_such_layer_file", optional=True)
    assert nn.__all__ == before
    with pytest.raises(ModuleNotFoundError):
        nn._export("no_such_layer_file", optional=False)
