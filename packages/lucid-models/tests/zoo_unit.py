"""Shared checks of the mobile/efficient/ConvNeXt zoo unit tests (both backends): a
forward+backward step on a small batch, and parameter counts."""

from __future__ import annotations

import numpy as np

import lucid


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def check_train_step(model, shape=(2, 3, 32, 32), num_classes: int = 10) -> None:
    """Training-mode forward, finite logits of shape (N, classes), and a gradient reaching
    the input and every parameter."""
    model.train()
    x = lucid.randn(*shape, requires_grad=True)
    y = model(x)
    assert y.shape == (shape[0], num_classes)
    assert np.isfinite(y.numpy()).all()
    (y * y).mean().backward()
    assert x.grad is not None and x.grad.shape == x.shape
    missing = [name for name, p in model.named_parameters() if p.grad is None]
    assert not missing, f"no gradient for {missing[:5]}"


def meta_params_and_output(name: str, size: int = 224) -> tuple[int, tuple]:
    """Build the registered model ``name`` on the shape-only ``meta`` device (no memory,
    milliseconds) and return its parameter count and eval-mode output shape for a
    ``(2, 3, size, size)`` batch."""
    from lucid import models

    with lucid.device("meta"):
        model = models.create_model(name).eval()
        out = model(lucid.zeros(2, 3, size, size))
    assert all(str(p.device) == "meta" for p in model.parameters())
    return n_params(model), tuple(out.shape)
