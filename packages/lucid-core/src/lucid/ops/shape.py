"""Core shape ops: ``reshape``, ``permute``/``transpose``, ``broadcast_to``/``expand``.

Other shape functions (squeeze, cat, stack, split, pad, ...) live in the ``shape_*``
modules and are built from these and from their own ops.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops._args import shape_arg
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "reshape", "permute", "transpose", "swapaxes", "broadcast_to", "expand", "expand_as",
    "reshape_as",
]


@register
class Reshape(Op):
    """``y = x`` viewed with a new shape of the same size; ``dx = reshape(dy, x.shape)``."""

    name = "reshape"

    def check(self, x, shape):
        size = 1
        for s in shape:
            size *= s
        if size != x.size:
            raise ShapeError(f"reshape: cannot reshape tensor of shape {x.shape} "
                             f"({int(x.size)} elements) into shape {shape}")

    def vjp(self, node, g):
        return g.reshape(node.inputs[0].shape)


@register
class Permute(Op):
    """``y = x`` with axes reordered by ``axes``; ``dx = permute(dy, argsort(axes))``."""

    name = "permute"

    def check(self, x, axes):
        if sorted(axes) != list(range(x.ndim)):
            raise ShapeError(f"permute: axes {axes} are not a permutation of the "
                             f"{x.ndim} dims of shape {x.shape}")

    def vjp(self, node, g):
        axes = node.params["axes"]
        inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return g.permute(*inverse)


@register
class BroadcastTo(Op):
    """``y = x`` broadcast to ``shape``; ``dx = sum of dy over broadcast axes`` (done by
    the engine)."""

    name = "broadcast_to"

    def check(self, x, shape):
        lead = len(shape) - x.ndim
        if lead < 0 or any(n not in (1, m) for n, m in zip(x.shape, shape[lead:])):
            raise ShapeError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")

    def vjp(self, node, g):
        return g


def _resolve_shape(x: Tensor, shape) -> tuple[int, ...]:
    """Replace a single ``-1`` by the size that makes the element count match."""
    if -1 not in shape:
        return shape
    if shape.count(-1) > 1:
        raise ShapeError(f"reshape: only one dimension can be -1, got {shape}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if known == 0 or x.size % known:
        raise ShapeError(f"reshape: cannot reshape tensor of shape {x.shape} into {shape}")
    return tuple(x.size // known if s == -1 else s for s in shape)


@tensor_method("reshape", "view")
def reshape(x: Tensor, *shape) -> Tensor:
    """``x`` with a new shape (one entry may be -1)."""
    shape = _resolve_shape(x, shape_arg(shape))
    if shape == x.shape:
        return x
    return apply("reshape", x, shape=shape)


@tensor_method("permute")
def permute(x: Tensor, *axes) -> Tensor:
    """Reorder the axes of ``x``: ``permute(x, (2, 0, 1))``."""
    axes = tuple(a % max(x.ndim, 1) for a in shape_arg(axes))
    return apply("permute", x, axes=axes)


def transpose(x: Tensor, axes=None) -> Tensor:
    """NumPy spelling: reverse the axes (``axes=None``) or permute them by ``axes``."""
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    return permute(x, tuple(axes))


@tensor_method("transpose", "swapaxes")
def swapaxes(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two axes (PyTorch's ``x.transpose(0, 1)``)."""
    axes = list(range(x.ndim))
    d0, d1 = dim0 % max(x.ndim, 1), dim1 % max(x.ndim, 1)
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, tuple(axes))


Tensor.T = property(lambda self: transpose(self))
Tensor.mT = property(lambda self: swapaxes(self, -2, -1))


@tensor_method("broadcast_to")
def broadcast_to(x: Tensor, *shape) -> Tensor:
    """``x`` broadcast (NumPy rules) to ``shape``."""
    shape = shape_arg(shape)
    if shape == x.shape:
        return x
    return apply("broadcast_to", x, shape=shape)


@tensor_method("expand")
def expand(x: Tensor, *shape) -> Tensor:
    """PyTorch's ``expand``: ``broadcast_to`` where ``-1`` keeps a dimension."""
    shape = shape_arg(shape)
    lead = len(shape) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    return broadcast_to(x, shape)


@tensor_method("expand_as")
def expand_as(x: Tensor, other: Tensor) -> Tensor:
    return broadcast_to(x, other.shape)


@tensor_method("view_as", "reshape_as")
def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    return reshape(x, other.shape)
