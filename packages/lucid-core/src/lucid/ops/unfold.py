"""``unfold`` (im2col) and ``fold`` (col2im), PyTorch's ``F.unfold``/``F.fold`` layout.

``unfold(x)[n, (c, k), l] = xpad[n, c, l*stride + k*dilation]`` for ``x (N, C, *S)``:
output ``(N, C*prod(K), L)`` with ``c`` slowest then the kernel taps in row-major order,
and ``L`` the window positions in row-major order. ``fold`` sums such columns back into
``(N, C, *output_size)``; the two are adjoint, so each one's VJP is the other.
The ops are dimension-generic; the public functions take 2-D spatial input like PyTorch.
"""

from __future__ import annotations

import math

from lucid.errors import ShapeError
from lucid.ops._conv_args import ntuple, output_spatial, pad_pairs
from lucid.ops.registry import Op, apply, register

__all__ = ["unfold", "fold"]


@register
class Unfold(Op):
    """``cols = unfold(x)``; ``dx = fold(dcols)``."""

    name = "unfold"
    save_inputs = ()

    def check(self, x, *, kernel_size, dilation, padding, stride):
        if x.ndim != len(kernel_size) + 2:
            raise ShapeError(f"unfold: expected a {len(kernel_size) + 2}-D input, got shape "
                             f"{x.shape}")
        output_spatial("unfold", x.shape, x.shape[2:], kernel_size, stride, padding, dilation)

    def vjp(self, k, node, g):
        return k.fold(g, output_size=tuple(node.in_shapes[0][2:]), **node.params)


@register
class Fold(Op):
    """``x = fold(cols)``: ``x[n, c, l*s + k*d - pad] += cols[n, (c, k), l]``;
    ``dcols = unfold(dx)``."""

    name = "fold"
    save_inputs = ()

    def check(self, cols, *, output_size, kernel_size, dilation, padding, stride):
        taps = math.prod(kernel_size)
        count = output_spatial("fold", output_size, output_size, kernel_size, stride, padding,
                               dilation)
        if cols.ndim != 3 or cols.shape[1] % taps or cols.shape[2] != math.prod(count):
            raise ShapeError(f"fold: input {cols.shape} should be (N, C*{taps}, "
                             f"{math.prod(count)}) for output_size {tuple(output_size)}, "
                             f"kernel_size {tuple(kernel_size)}")

    def vjp(self, k, node, g):
        p = dict(node.params)
        del p["output_size"]
        return k.unfold(g, **p)


def _args(kernel_size, dilation, padding, stride, nd, op):
    return dict(kernel_size=ntuple(kernel_size, nd, "kernel_size", op, minimum=1),
                dilation=ntuple(dilation, nd, "dilation", op, minimum=1),
                padding=pad_pairs(padding, nd, op),
                stride=ntuple(stride, nd, "stride", op, minimum=1))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Extract sliding blocks: ``(N, C, H, W)`` -> ``(N, C*kH*kW, L)`` (im2col).

    >>> lucid.unfold(lucid.ones(1, 2, 4, 4), 2).shape
    (1, 8, 9)
    """
    x = input
    unbatched = x.ndim == 3
    if unbatched:
        x = x.reshape((1,) + x.shape)
    if x.ndim != 4:
        raise ShapeError(f"unfold: expected a 3-D or 4-D input, got shape {input.shape}")
    y = apply("unfold", x, **_args(kernel_size, dilation, padding, stride, 2, "unfold"))
    return y.reshape(y.shape[1:]) if unbatched else y


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Sum sliding blocks back: ``(N, C*kH*kW, L)`` -> ``(N, C, *output_size)`` (col2im;
    overlapping positions add up)."""
    x = input
    unbatched = x.ndim == 2
    if unbatched:
        x = x.reshape((1,) + x.shape)
    if x.ndim != 3:
        raise ShapeError(f"fold: expected a 2-D or 3-D input, got shape {input.shape}")
    size = ntuple(output_size, 2, "output_size", "fold", minimum=1)
    y = apply("fold", x, output_size=size,
              **_args(kernel_size, dilation, padding, stride, 2, "fold"))
    return y.reshape(y.shape[1:]) if unbatched else y
