"""Kernels of the neural-network ops: ``softmax``, ``log_softmax``, ``cross_entropy``,
``nll_loss``, ``class_target_weights``, ``embedding``, ``embedding_backward``,
``dropout_mask``."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._random_state import generator
from lucid_backend_numpy.kernels._registry import kernel


@kernel("softmax")
def softmax(x, *, axis):
    z = x - x.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z


@kernel("log_softmax")
def log_softmax(x, *, axis):
    z = x - x.max(axis=axis, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=axis, keepdims=True))
    return z


def _safe_targets(target, classes, ignore_index, op):
    ignored = target == ignore_index
    bad = ~ignored & ((target < 0) | (target >= classes))
    if bad.any():
        raise IndexError(f"{op}: target {int(target[bad][0])} is out of bounds for "
                         f"{classes} classes")
    return np.where(ignored, 0, target), ignored


def _weights_at(weight, safe, ignored):
    return np.where(ignored, 0, weight[safe]).astype(weight.dtype, copy=False)


def _broadcast_classes(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


@kernel("cross_entropy", multi_output=True)
def cross_entropy(x, target, weight, *, ignore_index, label_smoothing):
    classes = x.shape[1]
    safe, ignored = _safe_targets(target, classes, ignore_index, "cross_entropy")
    logp = log_softmax(x, axis=1)
    wt = _weights_at(weight, safe, ignored)
    picked = np.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    loss = -(1.0 - label_smoothing) * wt * picked
    if label_smoothing:
        smooth = (logp * _broadcast_classes(weight, x.ndim)).sum(axis=1)
        loss -= np.where(ignored, 0, smooth) * (label_smoothing / classes)
    return loss.astype(x.dtype, copy=False), wt


@kernel("nll_loss", multi_output=True)
def nll_loss(x, target, weight, *, ignore_index):
    safe, ignored = _safe_targets(target, x.shape[1], ignore_index, "nll_loss")
    wt = _weights_at(weight, safe, ignored)
    picked = np.take_along_axis(x, safe[:, None], axis=1)[:, 0]
    return (-wt * picked).astype(x.dtype, copy=False), wt


@kernel("class_target_weights")
def class_target_weights(target, weight, *, ignore_index, label_smoothing):
    classes = weight.shape[0]
    safe, ignored = _safe_targets(target, classes, ignore_index, "class_target_weights")
    shape = (target.shape[0], classes) + target.shape[1:]
    q = np.zeros(shape, dtype=weight.dtype)
    if label_smoothing:
        q += _broadcast_classes(weight, len(shape)) * (label_smoothing / classes)
    wt = _weights_at(weight, safe, ignored) * (1.0 - label_smoothing)
    hit = np.take_along_axis(q, safe[:, None], axis=1)[:, 0] + wt
    np.put_along_axis(q, safe[:, None], hit[:, None], axis=1)
    q *= ~ignored[:, None]
    return q


@kernel("embedding")
def embedding(indices, weight, *, padding_idx, zero_padding):
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError(f"embedding: index out of range for {weight.shape[0]} embeddings "
                         f"(got min {int(indices.min())}, max {int(indices.max())})")
    out = weight[indices]
    if zero_padding and padding_idx is not None:
        out[indices == padding_idx] = 0
    return out


@kernel("embedding_backward")
def embedding_backward(g, indices, *, num_weights, padding_idx):
    dim = g.shape[-1]
    out = np.zeros((num_weights, dim), dtype=g.dtype)
    flat = indices.reshape(-1)
    if flat.size:
        # sort the lookups by row, then one segmented sum per distinct row (no np.add.at)
        order = np.argsort(flat, kind="stable")
        rows = flat[order]
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        out[rows[starts]] = np.add.reduceat(g.reshape(-1, dim)[order], starts, axis=0)
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


@kernel("dropout_mask")
def dropout_mask(*, shape, p, dtype, scale):
    keep = generator().random(shape) >= p
    mask = keep.astype(np.dtype(dtype.name))
    if scale and p < 1:
        mask *= 1.0 / (1.0 - p)
    return mask
