"""Fused kernel of ``scaled_dot_product_attention`` (no dropout): ``P = softmax(q k^T *
scale + mask)``, ``out = P v``, returning ``(out, P)`` (the op's VJP reads ``P``, which
``mx.fast.scaled_dot_product_attention`` does not give, so the weights are computed here
in one lazy graph). Rows whose keys are all masked get ``P = 0`` (no NaN), as PyTorch
does; float64 goes through :mod:`._precise`.
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _precise
from lucid_backend_mlx.kernels._registry import kernel


@kernel("scaled_dot_product_attention")
def scaled_dot_product_attention(q, k, v, mask=None, *, scale, is_causal):
    s = (q @ mx.swapaxes(k, -1, -2)) * scale
    if not is_causal and mask is None:
        p = _precise.softmax(s, axis=-1)
        return p @ v, p
    neg_inf = mx.array(float("-inf"), dtype=s.dtype)
    if is_causal:
        queries, keys = s.shape[-2:]
        keep = mx.tril(mx.ones((queries, keys), dtype=mx.bool_))
        s = mx.where(keep, s, neg_inf)
    if mask is not None:
        s = mx.where(mask, s, neg_inf) if mask.dtype == mx.bool_ else s + mask
    top = mx.max(s, axis=-1, keepdims=True)
    alive = top > neg_inf
    e = _precise.exp(s - mx.where(alive, top, 0))
    total = mx.sum(e, axis=-1, keepdims=True)
    p = e / mx.where(alive, total, 1)
    return p @ v, p
