"""All parameters as one flat vector, and back."""

from __future__ import annotations

import lucid
from lucid.autograd.grad_mode import no_grad
from lucid.errors import ShapeError
from lucid.tensor import Tensor


def parameters_to_vector(parameters) -> Tensor:
    """Concatenate the flattened parameters into one 1-D tensor (keeps the graph)."""
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return lucid.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    if vec.ndim != 1:
        raise ShapeError(f"vector_to_parameters: expected a 1-D vector, got shape {vec.shape}")
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total = sum(p.numel() for p in parameters)
    if total != vec.shape[0]:
        raise ShapeError(f"vector_to_parameters: vector has {vec.shape[0]} elements, the "
                         f"parameters {total}")
    start = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p._assign(vec[start:start + n].reshape(p.shape))
            start += n
