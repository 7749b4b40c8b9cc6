"""Lookups: ``embedding`` (rows of a weight matrix by index) and ``one_hot``."""

from __future__ import annotations

import lucid
from lucid.autograd.grad_mode import no_grad
from lucid.tensor import Tensor

__all__ = ["embedding", "one_hot"]


def _renorm(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    """Rescale in place the looked-up rows whose ``norm_type`` norm exceeds ``max_norm``."""
    with no_grad():
        norms = lucid.sum(lucid.abs(weight) ** norm_type, axis=1, keepdims=True) ** (
            1.0 / norm_type)
        rows = lucid.zeros(weight.shape[0], 1, dtype=lucid.bool_, device=weight.device)
        rows = lucid.index_put(rows, (input.reshape(-1),),
                               lucid.full((), True, dtype=lucid.bool_, device=weight.device))
        scale = lucid.where(rows & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
        weight._assign(weight * scale)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``out[..., :] = weight[input[...], :]``; the row ``padding_idx`` gets no gradient.
    With ``max_norm`` the looked-up rows are first renormalised in place."""
    if input.dtype.is_floating_point:
        raise TypeError(f"embedding: indices must be integers, got {input.dtype}")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    return lucid.embedding(input, weight, padding_idx=padding_idx)


def one_hot(tensor: Tensor, num_classes: int = -1, *, dtype=None) -> Tensor:
    """``out[..., c] = 1`` where ``c == tensor[...]``: int64 as PyTorch's, or ``dtype`` (the
    original Lucid's keyword; its default was int8, pass ``dtype=lucid.int8`` for that)."""
    if tensor.dtype.is_floating_point:
        raise TypeError(f"one_hot: expected an integer tensor, got {tensor.dtype}")
    if num_classes < 0:
        num_classes = int(lucid.max(tensor).item()) + 1
    classes = lucid.arange(num_classes, device=tensor.device)
    return (lucid.unsqueeze(tensor, -1) == classes).astype(dtype or lucid.int64)
