"""Class-target loss helpers written with ``gather``, comparisons and ``where``.

For targets ``t`` (``ignore_index`` entries ignored, read as class 0) and class weights
``w``: ``nll_loss = (-w[t] x[n, t], w[t])`` with ``w[t] = 0`` where ignored;
``class_target_weights`` is the target distribution ``q[n, c] = (1 - s) w[t] [c == t]
+ s w[c] / C`` (label smoothing ``s``), zero where ignored.
"""

from __future__ import annotations

import math

from lucid.ops.composites import composite, const, ops


def _safe_targets(target, classes: int, ignore_index, op: str):
    """``(safe, ignored)``; an IndexError names a target outside ``[0, classes)``."""
    if ignore_index is None:
        ignored = ops.logical_not(ops.eq(target, target))
    else:
        ignored = ops.eq(target, const(ignore_index, target))
    low = ops.lt(target, const(0, target))
    high = ops.logical_not(ops.lt(target, const(classes, target)))
    out_of_range = ops.where(low, low, high)
    bad = ops.where(ignored, ops.logical_not(ignored), out_of_range)  # and not ignored
    if math.prod(bad.shape) and ops.any(bad, axis=None, keepdims=False).item():
        first = ops.getitem(target, index=(bad.numpy(),)).numpy()[0]
        raise IndexError(f"{op}: target {int(first)} is out of bounds for {classes} classes")
    return ops.where(ignored, const(0, target), target), ignored


def _weights_at(weight, safe, ignored):
    picked = ops.gather(weight, ops.reshape(safe, shape=(math.prod(safe.shape),)), dim=0)
    picked = ops.reshape(picked, shape=safe.shape)
    return ops.where(ignored, const(0, picked), picked)


def _with_class_dim(t):
    return ops.reshape(t, shape=(t.shape[0], 1, *t.shape[1:]))


@composite("nll_loss")
def nll_loss(x, target, weight, *, ignore_index):
    safe, ignored = _safe_targets(target, x.shape[1], ignore_index, "nll_loss")
    wt = _weights_at(weight, safe, ignored)
    picked = ops.gather(x, _with_class_dim(safe), dim=1)
    picked = ops.reshape(picked, shape=safe.shape)
    return ops.mul(ops.mul(wt, const(-1, wt)), picked), wt


@composite("class_target_weights")
def class_target_weights(target, weight, *, ignore_index, label_smoothing):
    classes = weight.shape[0]
    safe, ignored = _safe_targets(target, classes, ignore_index, "class_target_weights")
    nd = len(target.shape) + 1
    class_ids = ops.reshape(ops.arange(start=0, stop=classes, step=1, dtype=safe.dtype,
                                       device=safe.device),
                            shape=(1, classes) + (1,) * (nd - 2))
    hot = ops.astype(ops.eq(class_ids, _with_class_dim(safe)), dtype=weight.dtype)
    wt = _weights_at(weight, safe, ignored)
    q = ops.mul(hot, _with_class_dim(ops.mul(wt, const(1.0 - label_smoothing, wt))))
    if label_smoothing:
        spread = ops.reshape(weight, shape=(1, classes) + (1,) * (nd - 2))
        q = ops.add(q, ops.mul(spread, const(label_smoothing / classes, weight)))
    return ops.where(_with_class_dim(ignored), const(0, q), q)

