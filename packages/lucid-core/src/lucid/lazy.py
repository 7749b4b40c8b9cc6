"""``lucid.eval``: force lazy backends (MLX) to compute tensors, one call per backend.

Lazy backends build a graph of pending work; evaluating the tensors that matter (leaf
gradients after backward, parameters and state after an optimizer step) schedules that
work, so the pending graph stops growing and its memory is released. Eager backends
(NumPy) have nothing to do.
"""

from __future__ import annotations

from lucid.tensor import Tensor

__all__ = ["eval_tensors", "tensors_in"]


def tensors_in(value):
    """Every tensor inside ``value`` (a tensor, or nested lists/tuples/dicts of them)."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from tensors_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from tensors_in(v)


def eval_tensors(*values) -> None:
    """Evaluate every tensor in ``values`` (tensors, or lists/tuples/dicts of them), with a
    single ``backend.eval`` call per lazy backend."""
    pending: dict[int, tuple] = {}
    for t in tensors_in(values):
        backend = t._backend
        if backend.lazy:
            pending.setdefault(id(backend), (backend, []))[1].append(t._data)
    for backend, arrays in pending.values():
        backend.eval(*arrays)
