"""Adaptive pooling: ``adaptive_avg_pool1d/2d/3d`` and ``adaptive_max_pool1d/2d/3d``.

Output position ``i`` (per spatial dim, input size ``S``, output size ``O``) pools the
input window ``[floor(i*S/O), ceil((i+1)*S/O))`` (PyTorch's rule).

The average is separable, one spatial dim after the other, composed from ops (the
gradient comes for free): when ``O`` divides ``S`` the windows are equal and disjoint and
a dim is ``reshape`` + ``mean``; otherwise it is the ``stack`` of the ``O`` window means
(not a product with an averaging matrix, where ``NaN * 0`` would spread one NaN or Inf to
every output). The
maximum is an op with the flat argmax indices as second output;
``dx = pool_scatter(dy, indices)``.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops._conv_args import batchify
from lucid.ops.registry import Op, apply, register
from lucid.ops.shape_join import stack
from lucid.tensor import Tensor

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d"]


def _output_size(output_size, spatial, op):
    nd = len(spatial)
    if isinstance(output_size, (tuple, list)):
        sizes = tuple(output_size)
        if len(sizes) == 1:
            sizes = sizes * nd
    else:
        sizes = (output_size,) * nd
    if len(sizes) != nd:
        raise ValueError(f"{op}: output_size must be an int or {nd} values, got "
                         f"{output_size!r}")
    sizes = tuple(n if s is None else int(s) for s, n in zip(sizes, spatial))
    if any(s < 1 for s in sizes):
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    return sizes


def _windows(size: int, out: int):
    return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]


def adaptive_avg_pool_nd(nd, op, x, output_size) -> Tensor:
    x, unbatched = batchify(x, nd, op)
    if not x.dtype.is_floating_point:
        raise TypeError(f"{op}: needs a floating-point input, got {x.dtype}")
    spatial = x.shape[2:]
    sizes = _output_size(output_size, spatial, op)
    if any(n < 1 for n in spatial):
        raise ShapeError(f"{op}: input {x.shape} has an empty spatial dim")
    y = x
    for i in reversed(range(nd)):
        if spatial[i] == sizes[i]:
            continue
        lead, later = y.shape[:2 + i], y.shape[3 + i:]
        if spatial[i] % sizes[i] == 0:  # equal disjoint windows: a reshape and a mean
            width = spatial[i] // sizes[i]
            y = y.reshape(lead + (sizes[i], width) + later).mean(axis=3 + i)
            continue
        before = (slice(None),) * (2 + i)
        y = stack([y[before + (slice(start, end),)].mean(axis=2 + i)
                   for start, end in _windows(spatial[i], sizes[i])], axis=2 + i)
    return y.reshape(y.shape[1:]) if unbatched else y


@register
class AdaptiveMaxPool(Op):
    """``(values, indices) = adaptive_max_pool(x)``; ``dx = pool_scatter(dvalues, indices)``."""

    name = "adaptive_max_pool"
    n_outputs = 2
    save_inputs = ()
    save_output = True  # the indices

    def check(self, x, *, output_size):
        if x.ndim != len(output_size) + 2 or any(n < 1 for n in x.shape[2:]):
            raise ShapeError(f"adaptive_max_pool: input {x.shape} does not fit output size "
                             f"{output_size}")

    def vjp(self, k, node, g, _):
        return k.pool_scatter(g, k.output(node, 1), spatial=tuple(node.in_shapes[0][2:]))


def adaptive_max_pool_nd(nd, op, x, output_size, return_indices):
    x, unbatched = batchify(x, nd, op)
    sizes = _output_size(output_size, x.shape[2:], op)
    values, indices = apply("adaptive_max_pool", x, output_size=sizes)
    if unbatched:
        values, indices = values.reshape(values.shape[1:]), indices.reshape(indices.shape[1:])
    return (values, indices) if return_indices else values


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Average over PyTorch's adaptive windows of ``(N, C, L)`` to length ``output_size``."""
    return adaptive_avg_pool_nd(1, "adaptive_avg_pool1d", input, output_size)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average ``(N, C, H, W)`` over adaptive windows to ``output_size`` (int, pair, or
    ``None`` entries to keep a dim). ``adaptive_avg_pool2d(x, 1)`` = global average."""
    return adaptive_avg_pool_nd(2, "adaptive_avg_pool2d", input, output_size)


def adaptive_avg_pool3d(input, output_size):  # noqa: A002
    """Average ``(N, C, D, H, W)`` over adaptive windows to ``output_size``."""
    return adaptive_avg_pool_nd(3, "adaptive_avg_pool3d", input, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """Maximum of ``(N, C, L)`` over adaptive windows (optionally with flat indices)."""
    return adaptive_max_pool_nd(1, "adaptive_max_pool1d", input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Maximum of ``(N, C, H, W)`` over adaptive windows (optionally with flat indices)."""
    return adaptive_max_pool_nd(2, "adaptive_max_pool2d", input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):  # noqa: A002
    """Maximum of ``(N, C, D, H, W)`` over adaptive windows."""
    return adaptive_max_pool_nd(3, "adaptive_max_pool3d", input, output_size, return_indices)
