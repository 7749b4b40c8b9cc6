"""Reference models whose residual branches start scaled to (almost) nothing — ConvNeXt's
layer scale ``gamma = 1e-6``, ConvNeXt V2's zero-initialised GRN, MobileNetV4's layer scale
— would pass an output comparison even with broken branches. ``randomise_scales`` sets those
parameters to random O(1) values first, so the parity tests exercise every branch."""

from __future__ import annotations

import torch

SCALE_NAMES = ("layer_scale", "gamma", "grn.weight", "grn.bias")


def randomise_scales(model: torch.nn.Module, seed: int = 1) -> torch.nn.Module:
    """Layer scales uniform in [0.2, 0.6], GRN weights and biases uniform in [-0.5, 0.5];
    returns the model. Fails if the model has none (the test would be vacuous)."""
    gen = torch.Generator().manual_seed(seed)
    hit = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(("grn.weight", "grn.bias")):
                p.copy_(torch.rand(p.shape, generator=gen) - 0.5)
                hit += 1
            elif name.rsplit(".", 1)[-1] in ("layer_scale", "gamma"):
                p.copy_(0.2 + 0.4 * torch.rand(p.shape, generator=gen))
                hit += 1
    assert hit, "randomise_scales: the model has no layer-scale or GRN parameters"
    return model
