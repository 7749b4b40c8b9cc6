"""Parity with torch.nn: Linear, Bilinear, Identity, Flatten, Unflatten, activations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from nn_parity_helpers import check_layer

import lucid.nn as nn

DTYPES = ["float32", "float64"]


def x(*shape, seed=0, scale=1.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
def test_linear(dtype, bias):
    check_layer(nn.Linear(5, 3, bias=bias), torch.nn.Linear(5, 3, bias=bias), [x(4, 2, 5)],
                dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bilinear(dtype):
    check_layer(nn.Bilinear(4, 3, 5), torch.nn.Bilinear(4, 3, 5), [x(6, 4), x(6, 3, seed=1)],
                dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_flatten_unflatten_identity(dtype):
    check_layer(nn.Flatten(), torch.nn.Flatten(), [x(2, 3, 4)], dtype)
    check_layer(nn.Flatten(0, 1), torch.nn.Flatten(0, 1), [x(2, 3, 4)], dtype)
    check_layer(nn.Unflatten(1, (3, 4)), torch.nn.Unflatten(1, (3, 4)), [x(2, 12)], dtype)
    check_layer(nn.Identity(7), torch.nn.Identity(7), [x(2, 3)], dtype)


ACTIVATIONS = [
    ("ReLU", (), {}), ("ReLU6", (), {}), ("LeakyReLU", (0.2,), {}), ("ELU", (), {}),
    ("ELU", (0.5,), {}), ("CELU", (0.5,), {}), ("SELU", (), {}), ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}), ("Mish", (), {}),
    # CELU: alpha 0.5 so that torch's float32 1/alpha in its backward is exact
    ("Sigmoid", (), {}), ("Hardsigmoid", (), {}), ("Hardswish", (), {}), ("Tanh", (), {}),
    ("Softplus", (), {}), ("Softplus", (2.0, 5.0), {}), ("Softmax", (1,), {}),
    ("Softmax", (-1,), {}), ("LogSoftmax", (1,), {}), ("Softmin", (0,), {}),
    ("Hardtanh", (-0.5, 0.7), {}), ("Softsign", (), {}), ("LogSigmoid", (), {}),
    ("Tanhshrink", (), {}), ("Threshold", (0.1, -2.0), {}), ("GLU", (), {}),
    ("PReLU", (), {}), ("PReLU", (3,), {}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS,
                         ids=[f"{n}{a}{k}" for n, a, k in ACTIVATIONS])
def test_activation(name, args, kwargs, dtype):
    data = x(4, 3, 6, scale=4.0)  # wide enough to reach every branch (hardswish, softplus)
    # torch's hardsigmoid backward multiplies by the float32 constant 1.0f/6.0f, so in
    # float64 torch itself is only ~1e-8 accurate there (Lucid's gradient is exact)
    grad_rtol = 1e-7 if (name, dtype) == ("Hardsigmoid", "float64") else None
    check_layer(getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs),
                [data], dtype, grad_rtol=grad_rtol)


def test_swish_alias():
    assert nn.Swish is nn.SiLU
    assert nn.HardSwish is nn.Hardswish and nn.HardSigmoid is nn.Hardsigmoid
