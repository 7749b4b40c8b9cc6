"""Kernels of the neural-network ops: ``softmax``, ``log_softmax``, ``cross_entropy``,
``nll_loss``, ``class_target_weights``, ``embedding``, ``embedding_backward``,
``dropout_mask``.

Softmax family: ``z = x - max(x)``, ``softmax = e^z / sum e^z``,
``log_softmax = z - log sum e^z`` (float64 through :mod:`._precise`). Targets are
checked against the class count before use (one read-back: an out-of-range class must be
an error, never a silent wrong gather).
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _precise
from lucid_backend_mlx.kernels._deferred_checks import require
from lucid_backend_mlx.kernels._dtypes import mx_dtype
from lucid_backend_mlx.kernels._random_state import next_key
from lucid_backend_mlx.kernels._registry import kernel
from lucid_backend_mlx.kernels.random import unit_uniform


@kernel("softmax")
def softmax(x, *, axis):
    return _precise.softmax(x, axis)


@kernel("log_softmax")
def log_softmax(x, *, axis):
    z = x - mx.max(x, axis=axis, keepdims=True)
    return z - mx.log(mx.sum(_precise.exp(z), axis=axis, keepdims=True))


def _safe_targets(target, classes, ignore_index, op):
    """Targets with ignored positions set to 0, and the ignored mask; a target outside
    ``[0, classes)`` (other than ``ignore_index``) is an ``IndexError`` naming it (raised
    at once on the CPU, at the next host read on the GPU: ``_deferred_checks``). Until
    a deferred error is raised, out-of-range targets read (and backward writes) class 0,
    never memory outside the array."""
    ignored = target == ignore_index
    if not target.size:
        return target, ignored
    bad = ~ignored & ((target < 0) | (target >= classes))
    first = target.reshape(-1)[mx.argmax(bad.reshape(-1))]
    require(mx.any(bad), first, lambda value: IndexError(
        f"{op}: target {int(value)} is out of bounds for {classes} classes"))
    return mx.where(ignored | bad, 0, target), ignored


def _weights_at(weight, safe, ignored):
    return mx.where(ignored, mx.zeros((), dtype=weight.dtype), weight[safe])


def _broadcast_classes(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


@kernel("cross_entropy")
def cross_entropy(x, target, weight, *, ignore_index, label_smoothing):
    """Per-element ``-(1 - s) w[t] log p[t] - (s / C) sum_c w[c] log p[c]`` and ``w[t]``
    (both zero where ``t == ignore_index``)."""
    classes = x.shape[1]
    safe, ignored = _safe_targets(target, classes, ignore_index, "cross_entropy")
    logp = log_softmax(x, axis=1)
    wt = _weights_at(weight, safe, ignored)
    picked = mx.take_along_axis(logp, mx.expand_dims(safe, 1), axis=1)[:, 0]
    loss = -(1.0 - label_smoothing) * wt * picked
    if label_smoothing:
        smooth = mx.sum(logp * _broadcast_classes(weight, x.ndim), axis=1)
        loss = loss - mx.where(ignored, 0, smooth) * (label_smoothing / classes)
    return loss.astype(x.dtype), wt


@kernel("nll_loss")
def nll_loss(x, target, weight, *, ignore_index):
    safe, ignored = _safe_targets(target, x.shape[1], ignore_index, "nll_loss")
    wt = _weights_at(weight, safe, ignored)
    picked = mx.take_along_axis(x, mx.expand_dims(safe, 1), axis=1)[:, 0]
    return (-wt * picked).astype(x.dtype), wt


@kernel("class_target_weights")
def class_target_weights(target, weight, *, ignore_index, label_smoothing):
    """``q[n, c] = (1 - s) w[t] [c == t] + (s / C) w[c]``, zero where ignored."""
    classes = weight.shape[0]
    safe, ignored = _safe_targets(target, classes, ignore_index, "class_target_weights")
    shape = (target.shape[0], classes) + tuple(target.shape[1:])
    q = mx.zeros(shape, dtype=weight.dtype)
    if label_smoothing:
        q = q + _broadcast_classes(weight, len(shape)) * (label_smoothing / classes)
    wt = _weights_at(weight, safe, ignored) * (1.0 - label_smoothing)
    index = mx.expand_dims(safe, 1)
    hit = mx.take_along_axis(q, index, axis=1)[:, 0] + wt
    q = mx.put_along_axis(q, index, mx.expand_dims(hit, 1), axis=1)
    return q * mx.expand_dims(~ignored, 1).astype(q.dtype)


@kernel("embedding")
def embedding(indices, weight, *, padding_idx, zero_padding):
    if indices.size:
        count = weight.shape[0]
        low_high = mx.stack([mx.min(indices), mx.max(indices)])
        deferred = require((low_high[0] < 0) | (low_high[1] >= count), low_high,
                           lambda v: IndexError(
                               f"embedding: index out of range for {count} embeddings "
                               f"(got min {int(v[0])}, max {int(v[1])})"))
        if deferred:  # until the error is raised, never read outside the table
            indices = mx.clip(indices, 0, count - 1)
    out = weight[indices]
    if zero_padding and padding_idx is not None:
        out = mx.where(mx.expand_dims(indices == padding_idx, -1),
                       mx.zeros((), dtype=out.dtype), out)
    return out


@kernel("embedding_backward")
def embedding_backward(g, indices, *, num_weights, padding_idx):
    """``dW[i] = sum of g over the positions holding index i`` (zero at ``padding_idx``)."""
    dim = g.shape[-1]
    out = mx.zeros((num_weights, dim), dtype=g.dtype)
    rows = mx.clip(indices.reshape(-1), 0, num_weights - 1)  # a deferred bad index: no stray write
    out = out.at[rows].add(g.reshape(-1, dim))
    if padding_idx is not None:
        keep = mx.arange(num_weights) != padding_idx % num_weights
        out = out * mx.expand_dims(keep, 1).astype(out.dtype)
    return out


@kernel("dropout_mask")
def dropout_mask(*, shape, p, dtype, scale):
    """``1`` (or ``1 / (1 - p)`` with ``scale``) where a ``U[0, 1)`` draw is ``>= p``."""
    target = mx_dtype(dtype)
    draw = mx.float64 if target == mx.float64 else mx.float32
    keep = unit_uniform(tuple(shape), draw, next_key()) >= p
    mask = keep.astype(target)
    if scale and p < 1:
        mask = mask * (1.0 / (1.0 - p))
    return mask
