"""The printed form of layers matches torch.nn's."""

from __future__ import annotations

import pytest
import torch

import lucid.nn as nn

LAYERS = [
    ("Linear", (3, 4), {}), ("Linear", (3, 4), {"bias": False}), ("Bilinear", (2, 3, 4), {}),
    ("Identity", (), {}), ("Flatten", (), {}), ("Unflatten", (1, (2, 3)), {}),
    ("Embedding", (10, 3), {"padding_idx": 0}), ("Conv1d", (2, 3, 3), {"padding": "same",
                                                                        "bias": False}),
    ("Conv2d", (2, 4, 3), {"stride": 2, "padding": 1, "groups": 2, "dilation": 2}),
    ("Conv2d", (2, 4, 3), {"padding_mode": "reflect", "padding": 1}),
    ("Conv3d", (1, 2, (1, 2, 3)), {}),
    ("ConvTranspose2d", (4, 2, 3), {"stride": 2, "output_padding": 1}),
    ("MaxPool2d", (2,), {}), ("MaxPool1d", (3, 2, 1), {}), ("AvgPool2d", (3,), {"stride": 1}),
    ("AdaptiveAvgPool2d", ((1, 1),), {}), ("AdaptiveMaxPool1d", (4,), {}),
    ("BatchNorm1d", (4,), {}), ("BatchNorm2d", (4,), {"affine": False, "momentum": None}),
    ("InstanceNorm2d", (3,), {}), ("LayerNorm", (4,), {}), ("GroupNorm", (2, 4), {}),
    ("BatchNorm1d", (4,), {"bias": False}), ("LayerNorm", (4,), {"bias": False}),
    ("GroupNorm", (2, 4), {"affine": False}), ("InstanceNorm1d", (3,), {"affine": True}),
    ("LocalResponseNorm", (2,), {}), ("ReLU", (), {}), ("ReLU", (True,), {}),
    ("LeakyReLU", (0.2,), {}), ("ELU", (), {}), ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}), ("Softplus", (), {}), ("Softmax", (), {"dim": 1}),
    ("LogSoftmax", (1,), {}), ("Hardtanh", (), {}), ("Dropout", (0.2,), {}),
    ("Dropout2d", (), {}), ("AlphaDropout", (0.1,), {}), ("Upsample", (), {"scale_factor": 2}),
    ("Upsample", (), {"size": (3, 4), "mode": "bilinear"}), ("Unfold", (2,), {}),
    ("Fold", ((4, 5), 2), {}), ("ZeroPad2d", (1,), {}), ("ReflectionPad1d", ((1, 2),), {}),
    ("ConstantPad2d", (2, 1.5), {}), ("PReLU", (), {}), ("MSELoss", (), {}),
    ("CrossEntropyLoss", (), {}),
]


@pytest.mark.parametrize("name,args,kwargs", LAYERS, ids=[f"{layer[0]}-{i}" for i, layer in
                                                          enumerate(LAYERS)])
def test_repr(name, args, kwargs):
    assert repr(getattr(nn, name)(*args, **kwargs)) == \
        repr(getattr(torch.nn, name)(*args, **kwargs))


def test_nested_repr():
    def build(mod):
        return mod.Sequential(mod.Conv2d(1, 2, 3), mod.Sequential(mod.ReLU(), mod.Linear(2, 3)),
                              mod.ModuleList([mod.Tanh()]),
                              mod.ModuleDict({"a": mod.Identity()}))

    assert repr(build(nn)) == repr(build(torch.nn))
