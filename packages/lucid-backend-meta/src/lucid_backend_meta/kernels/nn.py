"""Convolutions, pooling, unfold/fold, embeddings and the loss helpers: output sizes from
the declared parameters (window counts by PyTorch's rule, from ``lucid.kernel_geometry``).

Convolution ``(N, C, *S) * (O, C/groups, *K) -> (N, O, *W)`` with
``W = floor((S + lo + hi - d (K - 1) - 1) / stride) + 1`` per spatial dim.
"""

from __future__ import annotations

import math

from lucid.kernel_geometry import ceil_mode_padding, window_counts
from lucid_backend_meta.array import MetaArray
from lucid_backend_meta.kernels._registry import INDEX, kernel, like


def _checked(op: str, x: MetaArray, counts) -> tuple[int, ...]:
    if any(c < 1 for c in counts):
        raise ValueError(f"{op}: the window does not fit the padded input {x.shape} "
                         f"(window counts {tuple(counts)})")
    return tuple(counts)


@kernel("conv")
def conv(x: MetaArray, w: MetaArray, *, stride, padding, dilation, groups) -> MetaArray:
    counts = window_counts(x.shape[2:], w.shape[2:], stride, padding, dilation)
    return like(x, x.shape[:1] + (w.shape[0],) + _checked("conv", x, counts))


@kernel("conv_transpose")
def conv_transpose(y: MetaArray, w: MetaArray, *, stride, padding, dilation, groups,
                   output_size) -> MetaArray:
    """``(N, C_in, *) * (C_in, O/groups, *K) -> (N, O, *output_size)``."""
    return like(y, y.shape[:1] + (w.shape[1] * groups,) + tuple(output_size))


@kernel("conv_weight_grad")
def conv_weight_grad(x: MetaArray, g: MetaArray, *, stride, padding, dilation, groups,
                     kernel_size) -> MetaArray:
    """The weight's shape ``(O, C/groups, *K)``."""
    return like(x, (g.shape[1], x.shape[1] // groups) + tuple(kernel_size))


@kernel("max_pool")
def max_pool(x: MetaArray, *, kernel_size, stride, padding, dilation,
             ceil_mode) -> tuple[MetaArray, MetaArray]:
    """Values and their flat argmax indices (int64) in each window."""
    _, counts = ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, dilation,
                                  ceil_mode)
    shape = x.shape[:2] + _checked("max_pool", x, counts)
    return like(x, shape), MetaArray(shape, INDEX)


@kernel("avg_pool")
def avg_pool(x: MetaArray, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override) -> MetaArray:
    ones = (1,) * len(kernel_size)
    _, counts = ceil_mode_padding(x.shape[2:], kernel_size, stride, padding, ones, ceil_mode)
    return like(x, x.shape[:2] + _checked("avg_pool", x, counts))


@kernel("avg_pool_transpose")
def avg_pool_transpose(g: MetaArray, *, spatial, **params) -> MetaArray:
    return like(g, g.shape[:2] + tuple(spatial))


@kernel("adaptive_max_pool")
def adaptive_max_pool(x: MetaArray, *, output_size) -> tuple[MetaArray, MetaArray]:
    shape = x.shape[:2] + tuple(output_size)
    return like(x, shape), MetaArray(shape, INDEX)


@kernel("pool_gather")
def pool_gather(x: MetaArray, indices: MetaArray) -> MetaArray:
    return like(x, indices.shape)


@kernel("pool_scatter")
def pool_scatter(g: MetaArray, indices: MetaArray, *, spatial) -> MetaArray:
    return like(g, g.shape[:2] + tuple(spatial))


@kernel("unfold")
def unfold(x: MetaArray, *, kernel_size, dilation, padding, stride) -> MetaArray:
    """``(N, C, *S) -> (N, C * prod(K), prod(W))``."""
    counts = _checked("unfold", x, window_counts(x.shape[2:], kernel_size, stride, padding,
                                                 dilation))
    return like(x, (x.shape[0], x.shape[1] * math.prod(kernel_size), math.prod(counts)))


@kernel("fold")
def fold(cols: MetaArray, *, output_size, kernel_size, dilation, padding,
         stride) -> MetaArray:
    """``(N, C * prod(K), L) -> (N, C, *output_size)``."""
    channels = cols.shape[1] // math.prod(kernel_size)
    return like(cols, (cols.shape[0], channels) + tuple(output_size))


@kernel("embedding")
def embedding(indices: MetaArray, weight: MetaArray, *, padding_idx,
              zero_padding) -> MetaArray:
    return like(weight, indices.shape + weight.shape[1:])


@kernel("embedding_backward")
def embedding_backward(g: MetaArray, indices: MetaArray, *, num_weights,
                       padding_idx) -> MetaArray:
    return like(g, (num_weights,) + g.shape[indices.ndim:])


@kernel("class_target_weights")
def class_target_weights(target: MetaArray, weight: MetaArray, *, ignore_index,
                         label_smoothing) -> MetaArray:
    """Per-class target weights ``(N, C, *)`` for targets ``(N, *)``."""
    return like(weight, target.shape[:1] + weight.shape[:1] + target.shape[1:])


@kernel("nll_loss", "cross_entropy")
def nll_loss(x: MetaArray, target: MetaArray, weight: MetaArray, *,
             ignore_index, **params) -> tuple[MetaArray, MetaArray]:
    """Per-sample losses and per-sample weights, both shaped like ``target``."""
    return like(x, target.shape), like(x, target.shape)
