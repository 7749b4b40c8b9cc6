"""Fused kernel of ``layer_norm``: ``y = (x - mu) * rstd * weight + bias`` over the
trailing ``weight.ndim`` dims, returning ``(y, mu, rstd)`` (the op's VJP reads the
statistics). ``y`` is ``mx.fast.layer_norm`` on the rows flattened to ``(-1, D)``; for
float64 (which the fast kernel computes at float32 grade) the same formula from the
statistics.
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels._registry import kernel


@kernel("layer_norm")
def layer_norm(x, weight, bias, *, eps):
    count = weight.size
    stat_shape = tuple(x.shape[:x.ndim - weight.ndim]) + (1,) * weight.ndim
    rows = x.reshape(-1, count)
    w, b = weight.reshape(-1), bias.reshape(-1)
    mu = mx.mean(rows, axis=1, keepdims=True)
    rstd = mx.rsqrt(mx.var(rows, axis=1, keepdims=True) + eps)
    if x.dtype == mx.float64:
        y = (rows - mu) * rstd * w + b
    else:
        y = mx.fast.layer_norm(rows, w, b, eps)
    return y.reshape(x.shape), mu.reshape(stat_shape), rstd.reshape(stat_shape)
