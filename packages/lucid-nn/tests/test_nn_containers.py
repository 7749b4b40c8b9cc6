"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""

from __future__ import annotations

from collections import OrderedDict

import pytest

import lucid
import lucid.nn as nn


def test_sequential_indexing_slicing_and_mutation():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c
    assert list(seq) == [a, b, c]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    assert list(head.state_dict()) == ["0.weight", "0.bias"]
    assert seq(lucid.ones(4, 2)).shape == (4, 1)
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and list(seq._modules) == ["0", "1", "2", "3"]
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"] and seq[1] is c
    seq.insert(1, b)
    assert seq[1] is b
    seq[0] = nn.Linear(2, 3)
    assert seq[0] is not a
    with pytest.raises(IndexError):
        seq[10]


def test_sequential_ordered_dict_names():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert seq.fc is seq[0]
    assert list(seq.state_dict()) == ["fc.weight", "fc.bias"]
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]._modules) == ["act"]


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(list(layers.parameters())) == 6
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers += [nn.Sigmoid()]
    assert len(layers) == 6 and isinstance(layers[-1], nn.Sigmoid)
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    layers.insert(0, nn.Identity())
    assert isinstance(layers[0], nn.Identity) and list(layers._modules)[-1] == "6"
    del layers[0]
    assert isinstance(layers[0], nn.Linear)
    assert list(layers.state_dict())[:2] == ["0.weight", "0.bias"]
    with pytest.raises(NotImplementedError):
        layers(lucid.ones(1))


def test_module_dict():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    assert list(d) == ["enc", "dec"] and "enc" in d and len(d) == 2
    d["act"] = nn.ReLU()
    assert list(d.keys()) == ["enc", "dec", "act"]
    assert list(d.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    popped = d.pop("act")
    assert isinstance(popped, nn.ReLU) and "act" not in d
    d.update([("x", nn.Identity())])
    assert isinstance(d["x"], nn.Identity)


def test_parameter_list_and_dict():
    plist = nn.ParameterList([lucid.ones(2), nn.Parameter(lucid.zeros(3))])
    assert len(plist) == 2 and all(isinstance(p, nn.Parameter) for p in plist)
    plist.append(lucid.ones(1))
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]
    assert plist[1].shape == (3,)
    pdict = nn.ParameterDict({"a": lucid.ones(2)})
    pdict["b"] = nn.Parameter(lucid.zeros(1))
    assert list(pdict.keys()) == ["a", "b"] and isinstance(pdict["a"], nn.Parameter)
    holder = nn.Module()
    holder.params = pdict
    assert list(holder.state_dict()) == ["params.a", "params.b"]
    assert "Parameter containing" in repr(pdict)
