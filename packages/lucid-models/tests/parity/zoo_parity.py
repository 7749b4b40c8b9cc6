"""Shared checks of the model-zoo parity tests: a reference model (torchvision/timm) with
random weights and random batch-norm statistics, its state dict moved into the Lucid model
by name (keys, order and shapes must be identical), equal parameter counts, and eval-mode
outputs compared on a random batch.

(``conftest.py`` in this folder lets torchvision and timm import against the CPU torch.)
"""

from __future__ import annotations

import numpy as np
import torch

import lucid


def randomise(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Random batch-norm affine parameters and running statistics (so that eval mode
    exercises every stored tensor), weights kept O(1) through the depth; eval mode."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.affine:
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.2, 0.6)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def assert_same_layout(lucid_model, ref: torch.nn.Module) -> None:
    """Identical state-dict keys (in order) and shapes, and equal parameter counts."""
    ref_state, lu_state = ref.state_dict(), lucid_model.state_dict()
    assert list(lu_state) == list(ref_state), \
        f"keys differ: only Lucid {sorted(set(lu_state) - set(ref_state))[:8]}, only reference " \
        f"{sorted(set(ref_state) - set(lu_state))[:8]}"
    for key, value in ref_state.items():
        assert tuple(lu_state[key].shape) == tuple(value.shape), key
    assert sum(p.numel() for p in lucid_model.parameters()) == \
        sum(p.numel() for p in ref.parameters())


def load_reference(lucid_model, ref: torch.nn.Module):
    """Copy the reference's state dict into the Lucid model (strict), eval mode."""
    state = {k: lucid.tensor(v.detach().cpu().numpy()) for k, v in ref.state_dict().items()}
    lucid_model.load_state_dict(state, strict=True)
    return lucid_model.eval()


def assert_same_outputs(lucid_model, ref: torch.nn.Module, shape, seed: int = 0,
                        atol: float = 1e-4, rtol: float = 1e-4) -> None:
    """Layout check, weights copied, then eval-mode outputs on a random float32 batch agree
    within ``atol + rtol * |ref|``."""
    assert_same_layout(lucid_model, ref)
    load_reference(lucid_model, ref)
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    with lucid.no_grad():
        actual = lucid_model(lucid.tensor(x)).numpy()
    assert actual.shape == expected.shape and actual.dtype == np.float32
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=rtol)
