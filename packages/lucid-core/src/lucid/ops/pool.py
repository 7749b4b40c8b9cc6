"""Pooling: ``max_pool1d/2d/3d`` and ``avg_pool1d/2d/3d`` (dimension-generic ops).

``max_pool``: ``y[n, c, l] = max_k xpad[n, c, l*s + k*d]`` (padding with -inf), with the
flat input index (over the spatial dims of one ``(n, c)`` plane, PyTorch's convention)
of the first maximum as a second output. ``dx = pool_scatter(dy, indices)``.

``avg_pool``: ``y[n, c, l] = sum_k xpad[n, c, l*s + k] / divisor[l]`` where the divisor
is ``divisor_override``, else the window size clipped to the padded input
(``count_include_pad=True``) or to the input itself. Linear, so its VJP is its adjoint
``avg_pool_transpose`` (and that one's VJP is ``avg_pool`` again).

``pool_scatter(g, indices)`` sums ``g`` into a zero input-shaped array at ``indices``;
``pool_gather(x, indices)`` reads ``x`` there. They are each other's adjoints.
"""

from __future__ import annotations

from lucid.dtypes import Int64
from lucid.errors import DTypeError, ShapeError
from lucid.ops._conv_args import batchify, ntuple, output_spatial, pad_pairs
from lucid.ops.registry import Op, apply, register

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
           "avg_pool3d"]


def _check_pool(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    nd = len(kernel_size)
    if x.ndim != nd + 2:
        raise ShapeError(f"{op}: expected a {nd + 2}-D input, got shape {x.shape}")
    for (lo, _), k, d in zip(padding, kernel_size, dilation):
        if lo > (d * (k - 1) + 1) // 2:
            raise ValueError(f"{op}: padding {tuple(p[0] for p in padding)} should be at most "
                             f"half of the effective kernel size {tuple(kernel_size)}")
    output_spatial(op, x.shape, x.shape[2:], kernel_size, stride, padding, dilation,
                   ceil_mode)


@register
class MaxPool(Op):
    """``(values, indices) = max_pool(x)``; ``dx = pool_scatter(dvalues, indices)``."""

    name = "max_pool"
    n_outputs = 2
    save_inputs = ()
    save_output = True  # the indices

    def check(self, x, *, kernel_size, stride, padding, dilation, ceil_mode):
        _check_pool("max_pool", x, kernel_size, stride, padding, dilation, ceil_mode)

    def vjp(self, k, node, g, _):
        return k.pool_scatter(g, k.output(node, 1), spatial=tuple(node.in_shapes[0][2:]))


@register
class AvgPool(Op):
    """``y = avg_pool(x)`` (see module docstring); ``dx = avg_pool_transpose(dy)``."""

    name = "avg_pool"
    save_inputs = ()

    def check(self, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
        _check_pool("avg_pool", x, kernel_size, stride, padding, (1,) * len(kernel_size),
                    ceil_mode)
        if divisor_override is not None and divisor_override == 0:
            raise ValueError("avg_pool: divisor_override must be non-zero")

    def vjp(self, k, node, g):
        return k.avg_pool_transpose(g, spatial=tuple(node.in_shapes[0][2:]), **node.params)


@register
class AvgPoolTranspose(Op):
    """``x = avg_pool_transpose(y)``: each ``y[l] / divisor[l]`` added to every input
    position of window ``l`` (the adjoint of ``avg_pool``); ``dy = avg_pool(dx)``."""

    name = "avg_pool_transpose"
    save_inputs = ()

    def check(self, g, *, spatial, kernel_size, stride, padding, ceil_mode, **_):
        want = output_spatial("avg_pool_transpose", spatial, spatial, kernel_size, stride,
                              padding, (1,) * len(kernel_size), ceil_mode)
        if tuple(g.shape[2:]) != want:
            raise ShapeError(f"avg_pool_transpose: gradient {g.shape} does not match the "
                             f"pooled shape {want} of spatial size {tuple(spatial)}")

    def vjp(self, k, node, h):
        p = dict(node.params)
        del p["spatial"]
        return k.avg_pool(h, **p)


def _check_indices(op, x, indices):
    if indices.dtype != Int64:
        raise DTypeError(f"{op}: indices must be int64, got {indices.dtype}")
    if x.shape[:2] != indices.shape[:2]:
        raise ShapeError(f"{op}: tensor {x.shape} and indices {indices.shape} differ in "
                         "batch/channel dims")


@register
class PoolScatter(Op):
    """``x[n, c, indices[n, c, l]] += g[n, c, l]`` into zeros of spatial shape ``spatial``;
    ``dg = pool_gather(dx, indices)``."""

    name = "pool_scatter"
    save_inputs = (1,)  # the indices

    def check(self, g, indices, *, spatial):
        _check_indices("pool_scatter", g, indices)
        if g.shape != indices.shape:
            raise ShapeError(f"pool_scatter: values {g.shape} and indices {indices.shape} "
                             "differ")

    def vjp(self, k, node, h):
        return k.pool_gather(h, k.inputs(node)[1]), None


@register
class PoolGather(Op):
    """``y[n, c, l] = x[n, c, indices[n, c, l]]`` (flat spatial index);
    ``dx = pool_scatter(dy, indices)``."""

    name = "pool_gather"
    save_inputs = (1,)  # the indices

    def check(self, x, indices):
        _check_indices("pool_gather", x, indices)

    def vjp(self, k, node, g):
        indices = k.inputs(node)[1]
        return k.pool_scatter(g, indices, spatial=tuple(node.in_shapes[0][2:])), None


def _pool_args(nd, op, kernel_size, stride, padding):
    kernel = ntuple(kernel_size, nd, "kernel_size", op, minimum=1)
    stride = kernel if stride is None or stride == [] or stride == () else ntuple(
        stride, nd, "stride", op, minimum=1)
    return kernel, stride, pad_pairs(padding, nd, op)


def max_pool_nd(nd, op, x, kernel_size, stride, padding, dilation, ceil_mode,
                return_indices):
    """The shared body of ``max_pool1d/2d/3d``."""
    x, unbatched = batchify(x, nd, op)
    kernel, stride, pads = _pool_args(nd, op, kernel_size, stride, padding)
    dilation = ntuple(dilation, nd, "dilation", op, minimum=1)
    values, indices = apply("max_pool", x, kernel_size=kernel, stride=stride, padding=pads,
                            dilation=dilation, ceil_mode=bool(ceil_mode))
    if unbatched:
        values, indices = values.reshape(values.shape[1:]), indices.reshape(indices.shape[1:])
    return (values, indices) if return_indices else values


def avg_pool_nd(nd, op, x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    """The shared body of ``avg_pool1d/2d/3d``."""
    x, unbatched = batchify(x, nd, op)
    kernel, stride, pads = _pool_args(nd, op, kernel_size, stride, padding)
    y = apply("avg_pool", x, kernel_size=kernel, stride=stride, padding=pads,
              ceil_mode=bool(ceil_mode), count_include_pad=bool(count_include_pad),
              divisor_override=None if divisor_override is None else int(divisor_override))
    return y.reshape(y.shape[1:]) if unbatched else y


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    """1-D max pooling of ``(N, C, L)``: ``y[l] = max_k x[l*stride + k*dilation - padding]``.
    ``stride`` defaults to ``kernel_size``; ``return_indices`` also returns the argmax
    positions (flat per plane)."""
    return max_pool_nd(1, "max_pool1d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    """2-D max pooling of ``(N, C, H, W)`` (padding counts as -inf).

    >>> lucid.max_pool2d(lucid.ones(1, 1, 4, 4), 2).shape
    (1, 1, 2, 2)
    """
    return max_pool_nd(2, "max_pool2d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    """3-D max pooling of ``(N, C, D, H, W)``."""
    return max_pool_nd(3, "max_pool3d", input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    """1-D average pooling of ``(N, C, L)`` (PyTorch's ``avg_pool1d`` has no
    ``divisor_override``)."""
    return avg_pool_nd(1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """2-D average pooling of ``(N, C, H, W)``: window sums divided by the window size
    (``count_include_pad``: padding zeros count) or by ``divisor_override``."""
    return avg_pool_nd(2, "avg_pool2d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """3-D average pooling of ``(N, C, D, H, W)``."""
    return avg_pool_nd(3, "avg_pool3d", input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)
