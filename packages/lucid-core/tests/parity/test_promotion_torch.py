"""Dtype promotion against PyTorch itself, for every pair of dtypes and scalar kinds."""

import itertools

import numpy as np
import pytest
import torch

import lucid

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_tensor_tensor_promotion(a, b):
    want = (torch.zeros(2, dtype=getattr(torch, a)) + torch.zeros(2, dtype=getattr(torch, b)))
    got = lucid.zeros(2, dtype=a) + lucid.zeros(2, dtype=b)
    assert got.dtype.name == str(want.dtype).replace("torch.", "")


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("scalar", [True, 2, 2.5])
def test_tensor_scalar_promotion(a, scalar):
    want = torch.ones(2, dtype=getattr(torch, a)) * scalar
    got = lucid.ones(2, dtype=a) * scalar
    assert got.dtype.name == str(want.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy().astype(float), want.numpy().astype(float))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_zero_dim_promotion(a, b):
    want = torch.zeros(2, dtype=getattr(torch, a)) + torch.zeros((), dtype=getattr(torch, b))
    got = lucid.zeros(2, dtype=a) + lucid.zeros((), dtype=b)
    assert got.dtype.name == str(want.dtype).replace("torch.", "")
