"""Creation functions: ``zeros, ones, full, empty`` and the ``*_like`` family.

(``arange, linspace, eye`` and random creation live in ``creation_ranges.py`` and
``lucid.random``.) Each is an op without tensor inputs, run by the backend serving
``device``.
"""

from __future__ import annotations

from lucid.dtypes import default_float, result_type, to_dtype
from lucid.ops._args import shape_arg
from lucid.ops.registry import Op, apply, register

__all__ = ["full", "zeros", "ones", "empty", "full_like", "zeros_like", "ones_like", "empty_like"]


@register
class Full(Op):
    """``full(shape, fill_value)``: every element equals ``fill_value``."""

    name = "full"
    differentiable = False

    def check(self, shape, fill_value, dtype):
        if any(s < 0 for s in shape):
            raise ValueError(f"full: negative dimension in shape {shape}")


def full(shape, fill_value, dtype=None, device="cpu", requires_grad=False):
    """A tensor of ``shape`` filled with ``fill_value`` (dtype inferred from the value)."""
    shape = shape_arg((shape,)) if not isinstance(shape, int) else (shape,)
    dtype = to_dtype(dtype) or result_type(fill_value)
    out = apply("full", shape=shape, fill_value=fill_value, dtype=dtype, device=device)
    return out.requires_grad_() if requires_grad else out


def zeros(*shape, dtype=None, device="cpu", requires_grad=False):
    """A tensor of zeros (``float32`` unless ``dtype`` says otherwise)."""
    return full(shape_arg(shape), 0, dtype or default_float, device, requires_grad)


def ones(*shape, dtype=None, device="cpu", requires_grad=False):
    """A tensor of ones (``float32`` unless ``dtype`` says otherwise)."""
    return full(shape_arg(shape), 1, dtype or default_float, device, requires_grad)


def empty(*shape, dtype=None, device="cpu", requires_grad=False):
    """An uninitialised tensor; Lucid fills it with zeros."""
    return zeros(*shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(x, fill_value, dtype=None, device=None, requires_grad=False):
    return full(x.shape, fill_value, dtype or x.dtype, device or x.device, requires_grad)


def zeros_like(x, dtype=None, device=None, requires_grad=False):
    return full_like(x, 0, dtype, device, requires_grad)


def ones_like(x, dtype=None, device=None, requires_grad=False):
    return full_like(x, 1, dtype, device, requires_grad)


def empty_like(x, dtype=None, device=None, requires_grad=False):
    return zeros_like(x, dtype, device, requires_grad)
