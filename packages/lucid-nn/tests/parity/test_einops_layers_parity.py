"""nn.Rearrange / nn.Reduce against einops' own torch layers (values and gradients)."""

import numpy as np
import pytest
import torch
from einops.layers.torch import Rearrange as TRearrange
from einops.layers.torch import Reduce as TReduce

import lucid
import lucid.nn as nn

X = np.random.default_rng(1).standard_normal((2, 6, 4, 3)).astype(np.float32)

PATCHES = "b c (h p) w -> b (h w) (p c)"
CASES = [
    (lambda m: m.Rearrange(PATCHES, p=2), TRearrange, (PATCHES,), {"p": 2}),
    (lambda m: m.Reduce("b c (h 2) w -> b c h", "max"), TReduce,
     ("b c (h 2) w -> b c h", "max"), {}),
    (lambda m: m.Reduce("b c h w -> b c", "mean"), TReduce, ("b c h w -> b c", "mean"), {}),
]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_layer_matches_einops_torch_layer(index):
    make, torch_cls, args, kwargs = CASES[index]
    layer = make(nn)
    t = lucid.tensor(X, requires_grad=True)
    tt = torch.tensor(X, requires_grad=True)
    out, want = layer(t), torch_cls(*args, **kwargs)(tt)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-7)
    g = np.random.default_rng(2).standard_normal(tuple(want.shape)).astype(np.float32)
    out.backward(lucid.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-6)
    assert list(layer.parameters()) == []


def test_layer_in_sequential_and_repr():
    model = nn.Sequential(nn.Conv2d(6, 8, 2, stride=2), nn.Rearrange("b c h w -> b (h w) c"))
    assert model(lucid.tensor(X[:, :, :4, :2])).shape == (2, 2, 8)
    assert repr(nn.Reduce("b c h w -> b c", "mean")) == "Reduce('b c h w -> b c', 'mean')"
    assert repr(nn.Rearrange("(b r) c -> b r c", r=2)) == "Rearrange('(b r) c -> b r c', r=2)"


def test_bad_pattern_fails_at_construction():
    with pytest.raises(ValueError, match="exactly one '->'"):
        nn.Rearrange("b c h w")
