"""``scaled_dot_product_attention`` without dropout, as one op.

For ``q (..., L, E)``, ``k (..., S, E)``, ``v (..., S, Ev)`` (batch dims broadcast), an
optional mask ``M`` broadcastable to ``(..., L, S)`` and a ``scale``::

    s = q k^T * scale  (+ M if M is float;  -inf where M is False if M is boolean;
                        -inf where j > i if is_causal)
    P = softmax(s) along the keys,   out = P v

A query row whose keys are all masked gets ``P = 0`` (and a zero output), as PyTorch
does, instead of NaN. VJP, with ``dout`` the output gradient::

    dv = P^T dout,   dP = dout v^T,   ds = P * (dP - sum_j(dP * P))
    dq = ds k * scale,   dk = ds^T q * scale,   dM = ds (float mask)

A fused kernel returns ``(out, P)``: the attention weights are kernel-only, kept for the
VJP (no second ``q k^T`` and softmax in backward); under ``create_graph`` the VJP
recomputes them from the inputs with ops, so second derivatives flow through them.
Without a kernel the composite (matmul, where/add, softmax, matmul) runs and returns
``None`` for ``P``. Dropout on the weights is not part of the op: ``lucid.nn`` composes
it when ``dropout_p > 0`` in training.
"""

from __future__ import annotations

import math

from lucid.dtypes import Bool
from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []  # the public form is lucid.nn.functional.scaled_dot_product_attention

_NEG_INF = float("-inf")


def _swap(k, a):
    """``a`` with its last two axes swapped."""
    n = len(a.shape)
    return k.permute(a, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def _weights(k, q, key, mask, scale: float, is_causal: bool):
    """``P`` from the inputs, written with ops (the create_graph VJP and the composite)."""
    s = k.matmul(q, _swap(k, key)) * scale
    if not is_causal and mask is None:
        return k.softmax(s, axis=len(s.shape) - 1)
    if is_causal:
        s = k.where(k.tril(k.eq(k.zeros_like(s), 0), k=0), s, _NEG_INF)
    if mask is not None:
        s = k.where(mask, s, _NEG_INF) if _is_bool(k, mask) else s + mask
    last = len(s.shape) - 1
    alive = k.any(k.gt(s, _NEG_INF), axis=(last,), keepdims=True)
    p = k.softmax(k.where(alive, s, 0.0), axis=last)
    return k.where(alive, p, 0.0)


def _is_bool(k, mask) -> bool:
    if k.graph:
        return mask.dtype == Bool
    return k.backend.dtype_of(mask) == Bool


@register
class ScaledDotProductAttention(Op):
    """``(out, P) = scaled_dot_product_attention(q, k, v[, mask], scale, is_causal)``
    (module docstring); output 1 is kernel-only (saved for the VJP)."""

    name = "scaled_dot_product_attention"
    n_outputs = 2

    def check(self, q, key, v, *mask, scale, is_causal):
        if q.ndim < 2 or key.ndim < 2 or v.ndim < 2 or q.shape[-1] != key.shape[-1] \
                or key.shape[-2] != v.shape[-2] or len(mask) > 1:
            raise ShapeError(f"scaled_dot_product_attention: query {q.shape}, key "
                             f"{key.shape} and value {v.shape} do not fit (need query/key E "
                             "and key/value S equal)")
        dtype = q.dtype
        if not dtype.is_floating_point or key.dtype != dtype or v.dtype != dtype:
            raise DTypeError(f"scaled_dot_product_attention: query, key and value must share "
                             f"one floating dtype, got {q.dtype}, {key.dtype}, {v.dtype}")
        if mask and mask[0].dtype not in (Bool, dtype):
            raise DTypeError(f"scaled_dot_product_attention: attn_mask must be bool or "
                             f"{dtype}, got {mask[0].dtype}")
        if mask and is_causal:
            raise ValueError("scaled_dot_product_attention: pass attn_mask or "
                             "is_causal=True, not both")

    def vjp(self, k, node, dout, _):
        q, key, v, *mask = k.inputs(node)
        scale = node.params["scale"]
        if k.graph:
            p = _weights(k, q, key, mask[0] if mask else None, scale,
                         node.params["is_causal"])
        else:
            p = k.output(node, 1)
        needs = node.needs_grad
        dv = k.matmul(_swap(k, p), dout) if needs[2] else None
        dp = k.matmul(dout, _swap(k, v))
        ds = p * (dp - k.sum(dp * p, axis=(len(dp.shape) - 1,), keepdims=True))
        dq = k.matmul(ds, key) * scale if needs[0] else None
        dk = k.matmul(_swap(k, ds), q) * scale if needs[1] else None
        if mask:
            return dq, dk, dv, (ds if needs[3] else None)
        return dq, dk, dv

    def composite(self, q, key, v, *mask, scale, is_causal):
        from lucid.autograd.interpreters import tensor_ops

        p = _weights(tensor_ops(), q, key, mask[0] if mask else None, scale, is_causal)
        return p @ v, None


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, is_causal: bool = False,
                                 scale: float | None = None) -> Tensor:
    """``softmax(q k^T * scale + M) v`` without dropout (module docstring); ``scale``
    defaults to ``1/sqrt(E)``. The fused kernel of the serving backend runs when it has
    one. ``lucid.nn.functional.scaled_dot_product_attention`` adds dropout and GQA."""
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    inputs = (query, key, value) if attn_mask is None else (query, key, value, attn_mask)
    return apply("scaled_dot_product_attention", *inputs, scale=float(scale),
                 is_causal=bool(is_causal))[0]
