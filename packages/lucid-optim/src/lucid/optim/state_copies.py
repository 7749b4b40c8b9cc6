"""Copies of optimizer state for state dicts: a snapshot when saving (the optimizer keeps
updating its own tensors in place), a cast to the parameter's device and dtype when
loading, host scalars (``step`` ...) as 0-d tensors as PyTorch stores them."""

from __future__ import annotations

import copy

import lucid
from lucid import Tensor

__all__ = ["scalar_tensor", "snapshot", "cast"]


def scalar_tensor(value, p: Tensor) -> Tensor:
    if isinstance(value, Tensor):
        return value.detach().clone()
    return lucid.tensor(value, dtype=lucid.dtypes.default_float, device=p.device)


def snapshot(value, copy_tensors: bool):
    """Copy dicts and lists; copy tensors too when ``copy_tensors`` (state updated in
    place)."""
    if isinstance(value, Tensor):
        return value.detach().clone() if copy_tensors else value
    if isinstance(value, dict):
        return {k: snapshot(v, copy_tensors) for k, v in value.items()}
    if isinstance(value, list):
        return [snapshot(v, copy_tensors) for v in value]
    return value


def cast(value, p: Tensor):
    if isinstance(value, Tensor):
        if value.is_floating_point():
            return value.detach().to(p.device, p.dtype).clone()
        return value.detach().to(p.device).clone()
    if isinstance(value, (list, tuple)):
        return type(value)(cast(v, p) for v in value)
    if isinstance(value, dict):
        return {k: cast(v, p) for k, v in value.items()}
    return copy.deepcopy(value)
