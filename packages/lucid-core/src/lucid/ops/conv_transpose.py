"""Transposed convolution: ``conv_transpose1d/2d/3d`` (one dimension-generic op).

``conv_transpose(y, w)`` is the adjoint of ``conv(., w)``: each input element scatters
``y[n, i, l] * w[i, o, k]`` to output position ``l*stride + k*dilation - padding``::

    z[n, o, p] = sum_{i in group(o), l, k : l*s + k*d - lo = p} y[n, i, l] * w[i, o, k]

Weight shape ``(C_in, C_out/groups, *K)`` (PyTorch's layout, which is the ``conv``
weight of the adjoint convolution). Output size per dim
``(L - 1)*s - 2*padding + d*(K - 1) + output_padding + 1``.
VJP: ``dy = conv(dz, w)``, ``dw = conv_weight_grad(dz, y)``.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops._conv_args import batchify, ntuple, pad_pairs
from lucid.ops.conv import add_channel_bias, check_conv_shapes, exact_padding
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


@register
class ConvTranspose(Op):
    """``z = conv_transpose(y, w)`` with the output's spatial shape ``output_size``;
    ``dy = conv(dz, w)``, ``dw = conv_weight_grad(dz, y)``."""

    name = "conv_transpose"
    save_inputs = (0, 1)  # dy reads w, dw reads y

    def check(self, y, w, *, stride, padding, dilation, groups, output_size):
        if y.ndim != w.ndim or y.ndim < 3:
            raise ShapeError(f"conv_transpose: input {y.shape} and weight {w.shape} must "
                             "both be (batch, channels, *spatial) and (in, out/groups, *kernel)")
        if y.shape[1] != w.shape[0]:
            raise ShapeError(f"conv_transpose: input has {y.shape[1]} channels (shape "
                             f"{y.shape}) but the weight {w.shape} expects {w.shape[0]}")
        # y plays the role of conv's output: the adjoint conv maps output_size -> y.
        fake_x = _Shape((y.shape[0], w.shape[1] * groups) + tuple(output_size), y.dtype)
        check_conv_shapes("conv_transpose", fake_x, w, groups)
        for size, n, (lo, _), k, s, d in zip(output_size, y.shape[2:], padding, w.shape[2:],
                                             stride, dilation):
            if size < 1 or (n - 1) * s + d * (k - 1) + 1 - lo < 1:
                raise ShapeError(f"conv_transpose: output size {tuple(output_size)} is empty "
                                 f"for input {y.shape}, weight {w.shape}, padding {padding}")

    def vjp(self, k, node, g):
        y, w = k.inputs(node)
        y_shape, w_shape = node.in_shapes
        p = dict(node.params)
        size = p.pop("output_size")
        p["padding"] = tuple(exact_padding(sz, n, lo, kk, s, d) for sz, n, (lo, _), kk, s, d
                             in zip(size, y_shape[2:], p["padding"], w_shape[2:], p["stride"],
                                    p["dilation"]))
        dy = k.conv(g, w, **p) if node.needs_grad[0] else None
        dw = (k.conv_weight_grad(g, y, kernel_size=tuple(w_shape[2:]), **p)
              if node.needs_grad[1] else None)
        return dy, dw


class _Shape:
    """Just enough of a tensor (shape, ndim, dtype) to reuse the conv shape checks."""

    def __init__(self, shape, dtype):
        self.shape, self.ndim, self.dtype = shape, len(shape), dtype


def conv_transpose_nd(nd: int, op: str, x, weight, bias, stride, padding, output_padding,
                      groups, dilation) -> Tensor:
    """The shared body of ``conv_transpose1d/2d/3d``."""
    x, unbatched = batchify(x, nd, op)
    if weight.ndim != nd + 2:
        raise ShapeError(f"{op}: weight must be {nd + 2}-D (in, out/groups, *kernel), got "
                         f"shape {weight.shape}")
    stride = ntuple(stride, nd, "stride", op, minimum=1)
    dilation = ntuple(dilation, nd, "dilation", op, minimum=1)
    pads = pad_pairs(padding, nd, op)
    extra = ntuple(output_padding, nd, "output_padding", op, minimum=0)
    for e, s, d in zip(extra, stride, dilation):
        if e >= max(s, d):
            raise ValueError(f"{op}: output_padding {extra} must be smaller than stride "
                             f"{stride} or dilation {dilation}")
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, (p, _), d, k, e in
                 zip(x.shape[2:], stride, pads, dilation, weight.shape[2:], extra))
    if any(sz < 1 for sz in size):
        raise ShapeError(f"{op}: output size {size} is not positive for input {x.shape}, "
                         f"weight {weight.shape}, padding {padding}")
    z = apply("conv_transpose", x, weight, stride=stride, padding=pads, dilation=dilation,
              groups=int(groups), output_size=size)
    z = add_channel_bias(z, bias, op)
    return z.reshape(z.shape[1:]) if unbatched else z


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
                     output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution of ``(N, C_in, L)`` with weight
    ``(C_in, C_out/groups, K)``; output length ``(L-1)*stride - 2*padding +
    dilation*(K-1) + output_padding + 1``."""
    return conv_transpose_nd(1, "conv_transpose1d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
                     output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution ("deconvolution") of ``(N, C_in, H, W)`` with weight
    ``(C_in, C_out/groups, kH, kW)``: the gradient of :func:`conv2d` w.r.t. its input.

    >>> lucid.conv_transpose2d(lucid.ones(1, 2, 4, 4), lucid.ones(2, 3, 3, 3), stride=2).shape
    (1, 3, 9, 9)
    """
    return conv_transpose_nd(2, "conv_transpose2d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
                     output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution of ``(N, C_in, D, H, W)`` with weight
    ``(C_in, C_out/groups, kD, kH, kW)``."""
    return conv_transpose_nd(3, "conv_transpose3d", input, weight, bias, stride, padding,
                             output_padding, groups, dilation)
