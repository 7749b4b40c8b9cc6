"""Scaled dot-product attention, written with Lucid ops (matmul, softmax, where, dropout):

``A = softmax(Q K^T * scale + M)``, ``out = A V``, ``scale = 1/sqrt(E)`` by default.

``M`` comes from ``attn_mask`` (boolean: ``True`` = may attend, ``False`` = ``-inf``;
float: added to the scores) and ``is_causal`` (query ``i`` attends to keys ``j <= i``).
A query row whose keys are all masked gets zero weights (and a zero output), as PyTorch's
``scaled_dot_product_attention`` does, instead of NaN.

Without dropout (``dropout_p = 0``) :func:`scaled_dot_product_attention` is core's
``scaled_dot_product_attention`` op (the backend's fused kernel when it has one, else the
same math as its composite); :func:`attention`, which also returns the weights and applies
dropout, is the composition used otherwise.
"""

from __future__ import annotations

import math

import lucid
from lucid.errors import ShapeError
from lucid.nn.functional.dropout import dropout
from lucid.ops.attention import scaled_dot_product_attention as fused_attention
from lucid.tensor import Tensor

__all__ = ["scaled_dot_product_attention"]


def causal_mask(query_len: int, key_len: int, device) -> Tensor:
    """Boolean ``(L, S)`` mask, ``True`` on and below the diagonal (top-left aligned)."""
    return lucid.ones(query_len, key_len, dtype=lucid.bool_, device=device).tril()


def attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
              dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
              training: bool = True) -> tuple[Tensor, Tensor]:
    """Shared core of :func:`scaled_dot_product_attention` and ``MultiheadAttention``:
    returns ``(A V, A)``, ``A`` after dropout (applied when ``training``)."""
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    scores = (query @ key.mT) * scale
    masked = False
    if is_causal:
        scores = lucid.where(causal_mask(query.shape[-2], key.shape[-2], scores.device),
                             scores, float("-inf"))
        masked = True
    if attn_mask is not None:
        if attn_mask.dtype == lucid.bool_:
            scores = lucid.where(attn_mask, scores, float("-inf"))
        else:
            scores = scores + attn_mask
        masked = True
    if masked:
        # rows with every key masked: softmax of zeros, then zeroed (no NaN, no gradient)
        alive = (scores > float("-inf")).any(dim=-1, keepdim=True)
        weights = lucid.where(alive, scores, 0.0).softmax(dim=-1)
        weights = lucid.where(alive, weights, 0.0)
    else:
        weights = scores.softmax(dim=-1)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    return weights @ value, weights


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(Q K^T * scale + M) V`` (dropout ``dropout_p`` on the weights).

    Args:
        query: ``(..., L, E)``; key: ``(..., S, E)``; value: ``(..., S, Ev)``.
        attn_mask: broadcastable to ``(..., L, S)``; boolean (``True`` = attend) or float
            (added to the scores, e.g. ``-inf`` to block).
        dropout_p: dropout on the attention weights (always applied when > 0, as in
            PyTorch; pass ``0.0`` in evaluation).
        is_causal: mask keys after each query (``j > i``); not with ``attn_mask``.
        scale: defaults to ``1/sqrt(E)``.
        enable_gqa: grouped-query attention: ``key``/``value`` with ``Hkv`` heads (dim -3)
            serve ``H = g * Hkv`` query heads (each repeated ``g`` times).

    Returns ``(..., L, Ev)``.

    Example::

        q = k = v = lucid.randn(2, 4, 6, 8)  # (N, heads, L, E)
        F.scaled_dot_product_attention(q, k, v, is_causal=True).shape  # (2, 4, 6, 8)
    """
    name = "scaled_dot_product_attention"
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ShapeError(f"{name}: query, key and value need at least 2 dims, got "
                         f"{query.shape}, {key.shape}, {value.shape}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ShapeError(f"{name}: query {query.shape}, key {key.shape} and value "
                         f"{value.shape} do not fit (need query/key E and key/value S equal)")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{name}: pass attn_mask or is_causal=True, not both")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{name}: dropout_p must be in [0, 1], got {dropout_p}")
    if enable_gqa and key.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if heads % kv_heads:
            raise ShapeError(f"{name}: {heads} query heads are not a multiple of "
                             f"{kv_heads} key/value heads")
        key = key.repeat_interleave(heads // kv_heads, dim=-3)
        value = value.repeat_interleave(heads // kv_heads, dim=-3)
    if dropout_p == 0.0 and query.dtype.is_floating_point and \
            query.dtype == key.dtype == value.dtype:
        if attn_mask is not None and attn_mask.dtype not in (lucid.bool_, query.dtype):
            attn_mask = attn_mask.astype(query.dtype)
        return fused_attention(query, key, value, attn_mask, is_causal, scale)
    return attention(query, key, value, attn_mask, dropout_p, is_causal, scale)[0]
