"""Convolution: ``conv1d``, ``conv2d``, ``conv3d`` (one dimension-generic op) and the
weight-gradient op its VJP uses.

``conv`` (cross-correlation, as in PyTorch), for input ``x`` of shape ``(N, C, *S)``,
weight ``w`` of shape ``(O, C/groups, *K)``, stride ``s``, dilation ``d`` and ``x``
zero-padded to ``xp``::

    y[n, o, l] = sum_{c in group(o), k} w[o, c, k] * xp[n, c, l*s + k*d]

with ``L = floor((S + lo + hi - d*(K-1) - 1) / s) + 1`` positions per dim.

Three linear ops are each other's adjoints, so every VJP is another of them (and
second derivatives come for free):

* ``conv(x, w)`` -> ``y`` of shape ``(N, O, *L)``
* ``conv_transpose(y, w, output_size)`` -> ``x``-shaped,
  ``<conv(x, w), y> = <x, conv_transpose(y, w)>``
* ``conv_weight_grad(x, y, kernel_size)`` -> ``w``-shaped,
  ``<conv(x, w), y> = <w, conv_weight_grad(x, y)>``

so ``d conv / dx = conv_transpose(g, w)`` and ``d conv / dw = conv_weight_grad(x, g)``.
"""

from __future__ import annotations

from lucid.errors import DTypeError, ShapeError
from lucid.ops._conv_args import batchify, conv_padding, ntuple, output_spatial
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d"]


def check_conv_shapes(op: str, x, w, groups: int) -> None:
    """Channel/group rules shared by the three convolution ops."""
    if x.ndim != w.ndim or x.ndim < 3:
        raise ShapeError(f"{op}: input {x.shape} and weight {w.shape} must both be "
                         "(batch, channels, *spatial) and (out, in/groups, *kernel)")
    if groups < 1 or w.shape[0] % groups:
        raise ShapeError(f"{op}: out channels {w.shape[0]} (weight {w.shape}) are not "
                         f"divisible by groups={groups}")
    if x.shape[1] != w.shape[1] * groups:
        raise ShapeError(f"{op}: input has {x.shape[1]} channels (shape {x.shape}) but the "
                         f"weight {w.shape} with groups={groups} expects "
                         f"{w.shape[1] * groups}")
    if x.dtype != w.dtype:
        raise DTypeError(f"{op}: input dtype {x.dtype} differs from weight dtype {w.dtype}")


def exact_padding(size: int, count: int, lo: int, kernel: int, stride: int,
                  dilation: int) -> tuple[int, int]:
    """Padding ``(lo, hi)`` that makes a conv over ``size`` give exactly ``count``
    positions (``hi`` may be negative: then the input is cropped)."""
    return lo, (count - 1) * stride + dilation * (kernel - 1) + 1 - size - lo


@register
class Conv(Op):
    """``y = conv(x, w)`` (see the module docstring);
    ``dx = conv_transpose(dy, w)``, ``dw = conv_weight_grad(x, dy)``."""

    name = "conv"
    save_inputs = (0, 1)  # dx reads w, dw reads x

    def check(self, x, w, *, stride, padding, dilation, groups):
        check_conv_shapes("conv", x, w, groups)
        output_spatial("conv", x.shape, x.shape[2:], w.shape[2:], stride, padding, dilation)

    def vjp(self, k, node, g):
        x, w = k.inputs(node)
        x_shape, w_shape = node.in_shapes
        p = node.params
        dx = dw = None
        if node.needs_grad[0]:
            dx = k.conv_transpose(g, w, output_size=tuple(x_shape[2:]), **p)
        if node.needs_grad[1]:
            dw = k.conv_weight_grad(x, g, kernel_size=tuple(w_shape[2:]), **p)
        return dx, dw


@register
class ConvWeightGrad(Op):
    """``dw = conv_weight_grad(x, g)``: ``dw[o, c, k] = sum_{n, l} g[n, o, l] *
    xp[n, c, l*s + k*d]`` (the gradient of ``conv`` with respect to its weight).
    Linear in ``x`` and in ``g``: ``dx = conv_transpose(g, H)``, ``dg = conv(x, H)`` for
    the incoming gradient ``H``."""

    name = "conv_weight_grad"
    save_inputs = (0, 1)  # dx reads g, dg reads x

    def check(self, x, g, *, stride, padding, dilation, groups, kernel_size):
        if x.ndim != g.ndim or x.shape[0] != g.shape[0] or g.shape[1] % groups:
            raise ShapeError(f"conv_weight_grad: input {x.shape} and gradient {g.shape} "
                             f"do not match (groups={groups})")
        want = output_spatial("conv_weight_grad", x.shape, x.shape[2:], kernel_size, stride,
                              padding, dilation)
        if tuple(g.shape[2:]) != want:
            raise ShapeError(f"conv_weight_grad: gradient {g.shape} should have spatial "
                             f"shape {want} for input {x.shape}")

    def vjp(self, k, node, h):
        x, g = k.inputs(node)
        p = dict(node.params)
        del p["kernel_size"]
        dx = dg = None
        if node.needs_grad[0]:
            dx = k.conv_transpose(g, h, output_size=tuple(node.in_shapes[0][2:]), **p)
        if node.needs_grad[1]:
            dg = k.conv(x, h, **p)
        return dx, dg


def add_channel_bias(y: Tensor, bias, op: str) -> Tensor:
    """``y + bias`` broadcast over the channel axis 1."""
    if bias is None:
        return y
    if bias.ndim != 1 or bias.shape[0] != y.shape[1]:
        raise ShapeError(f"{op}: bias shape {bias.shape} does not match {y.shape[1]} "
                         "output channels")
    return y + bias.reshape((1, y.shape[1]) + (1,) * (y.ndim - 2))


def conv_nd(nd: int, op: str, x, weight, bias, stride, padding, dilation, groups) -> Tensor:
    """The shared body of ``conv1d/2d/3d``: normalise arguments, run ``conv``, add bias."""
    x, unbatched = batchify(x, nd, op)
    if weight.ndim != nd + 2:
        raise ShapeError(f"{op}: weight must be {nd + 2}-D (out, in/groups, *kernel), got "
                         f"shape {weight.shape}")
    stride = ntuple(stride, nd, "stride", op, minimum=1)
    dilation = ntuple(dilation, nd, "dilation", op, minimum=1)
    pads = conv_padding(padding, nd, weight.shape[2:], dilation, stride, op)
    y = apply("conv", x, weight, stride=stride, padding=pads, dilation=dilation,
              groups=int(groups))
    y = add_channel_bias(y, bias, op)
    return y.reshape(y.shape[1:]) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution (cross-correlation) over ``(N, C, L)``; weight ``(O, C/groups, K)``.

    ``y[n, o, l] = bias[o] + sum_{c, k} w[o, c, k] * xpad[n, c, l*stride + k*dilation]``.
    ``padding``: int, tuple, ``"valid"`` or ``"same"``.

    >>> lucid.conv1d(lucid.ones(1, 1, 5), lucid.ones(1, 1, 3)).shape
    (1, 1, 3)
    """
    return conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution over ``(N, C, H, W)``; weight ``(O, C/groups, kH, kW)``.

    ``y[n, o, i, j] = bias[o] + sum_{c, a, b} w[o, c, a, b] *
    xpad[n, c, i*sH + a*dH, j*sW + b*dW]``. ``padding``: int, pair, ``"valid"``, ``"same"``.

    >>> lucid.conv2d(lucid.ones(2, 3, 8, 8), lucid.ones(4, 3, 3, 3), padding=1).shape
    (2, 4, 8, 8)
    """
    return conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """3-D convolution over ``(N, C, D, H, W)``; weight ``(O, C/groups, kD, kH, kW)``.

    Same formula as :func:`conv2d` with three spatial dims.
    """
    return conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)
