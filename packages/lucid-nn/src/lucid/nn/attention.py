"""Attention layers: ``ScaledDotProductAttention`` and ``MultiheadAttention``.

Multi-head attention projects the inputs, splits the features into ``num_heads`` heads of
``head_dim = embed_dim / num_heads``, attends in each head with
``softmax(Q_h K_h^T / sqrt(head_dim) + M) V_h`` and projects the concatenated heads:
``out = concat_h(...) W_o^T + b_o``. Parameter names and shapes are PyTorch's.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.nn import init
from lucid.nn.functional.attention import attention, scaled_dot_product_attention
from lucid.nn.functional.linear import linear
from lucid.nn.linear import Linear
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter
from lucid.ops.attention import scaled_dot_product_attention as fused_attention
from lucid.tensor import Tensor

__all__ = ["ScaledDotProductAttention", "MultiheadAttention"]


class ScaledDotProductAttention(Module):
    """``softmax(Q K^T * scale + M) V`` as a layer; dropout ``dropout`` on the weights in
    training mode only. See :func:`lucid.nn.functional.scaled_dot_product_attention` for
    the masks (boolean ``True`` = attend, or additive float).

    Args: ``dropout=0.0``, ``scale=None`` (``1/sqrt(E)``).
    ``forward(query, key, value, attn_mask=None, is_causal=False)``:
    ``(..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev)``.

    Example::

        attn = nn.ScaledDotProductAttention()
        q = lucid.randn(2, 5, 8)
        attn(q, q, q, is_causal=True).shape  # (2, 5, 8)
    """

    def __init__(self, dropout: float = 0.0, scale: float | None = None) -> None:
        super().__init__()
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"ScaledDotProductAttention: dropout must be in [0, 1], got "
                             f"{dropout}")
        self.dropout = dropout
        self.scale = scale

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                attn_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
        p = self.dropout if self.training else 0.0
        return scaled_dot_product_attention(query, key, value, attn_mask, p, is_causal,
                                            self.scale)

    def extra_repr(self) -> str:
        return f"dropout={self.dropout}, scale={self.scale}"


def _float_mask(mask: Tensor | None, dtype, what: str) -> Tensor | None:
    """A boolean mask (``True`` = blocked, PyTorch's MHA convention) as ``-inf``/``0``
    of ``dtype``; a float mask as it is."""
    if mask is None:
        return None
    if mask.dtype == lucid.bool_:
        return lucid.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(
            mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise TypeError(f"MultiheadAttention: {what} must be boolean or floating point, got "
                        f"{mask.dtype}")
    return mask.astype(dtype) if mask.dtype != dtype else mask


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """Append one zero (= not masked) column to a mask."""
    if mask is None:
        return None
    return lucid.cat([mask, lucid.zeros(mask.shape[:-1] + (1,), dtype=mask.dtype,
                                        device=mask.device)], dim=-1)


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al. 2017):
    ``MHA(Q, K, V) = concat(head_1..head_h) W_o^T + b_o``,
    ``head_i = softmax((Q W_qi^T + b_qi)(K W_ki^T + b_ki)^T / sqrt(d) + M)(V W_vi^T + b_vi)``.

    Args:
        embed_dim, num_heads: ``embed_dim`` must divide by ``num_heads`` (``d`` per head).
        dropout: on the attention weights, in training. bias: in- and out-projection bias.
        add_bias_kv: learned ``bias_k``, ``bias_v`` appended to the keys/values.
        add_zero_attn: a zero key/value appended. kdim, vdim: key/value features
            (default ``embed_dim``; then one packed ``in_proj_weight (3E, E)``, else
            ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``).
        batch_first: ``(N, L, E)`` instead of ``(L, N, E)``.

    Init: in-projections ``xavier_uniform_``, in/out biases 0, ``out_proj.weight`` as
    ``Linear``, ``bias_k``/``bias_v`` ``xavier_normal_``.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(output, weights)``.
    ``key_padding_mask (N, S)`` and ``attn_mask (L, S)`` or ``(N*heads, L, S)``: boolean
    ``True`` = do not attend (note: the opposite of ``scaled_dot_product_attention``), or
    float, added. ``is_causal`` is a hint that ``attn_mask`` is causal (it must be given).
    ``weights`` is ``(N, L, S)`` (averaged over heads) or ``(N, heads, L, S)``, or ``None``
    when ``need_weights=False``. A query whose keys are all masked gets zero weights.

    Example::

        mha = nn.MultiheadAttention(16, 4, batch_first=True)
        x = lucid.randn(2, 5, 16)
        out, w = mha(x, x, x)  # (2, 5, 16), (2, 5, 5)
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None,
                 dtype=None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be positive and "
                             f"divisible by num_heads ({num_heads})")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        device = device or "cpu"

        def new(*shape):
            return Parameter(lucid.empty(*shape, dtype=dtype, device=device))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = new(1, 1, embed_dim)
            self.bias_v = new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"dropout={self.dropout}, batch_first={self.batch_first}")

    def _in_projection(self, query: Tensor, key: Tensor, value: Tensor):
        """``Q W_q^T + b_q``, ``K W_k^T + b_k``, ``V W_v^T + b_v`` (one matmul when
        ``query``, ``key`` and ``value`` are the same tensor)."""
        emb = self.embed_dim
        b_q = b_k = b_v = None
        if self.in_proj_bias is not None:
            b_q, b_k, b_v = self.in_proj_bias.split(emb, dim=0)
        if self._qkv_same_embed_dim:
            if query is key and key is value:
                return linear(query, self.in_proj_weight, self.in_proj_bias).split(emb, dim=-1)
            w_q, w_k, w_v = self.in_proj_weight.split(emb, dim=0)
        else:
            w_q, w_k, w_v = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        out = []
        for x, w, b in ((query, w_q, b_q), (key, w_k, b_k), (value, w_v, b_v)):
            out.append(linear(x, w, b))
        return tuple(out)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False):
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ShapeError(f"MultiheadAttention: query, key and value must all be 3-D "
                             f"(batched) or 2-D, got {query.shape}, {key.shape}, "
                             f"{value.shape}")
        if is_causal and attn_mask is None:
            raise ValueError("MultiheadAttention: is_causal=True needs attn_mask (it is a hint "
                             "that attn_mask is the causal mask)")
        same = query is key, key is value
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if same[0]:
            key = query
        if same[1]:
            value = key
        tgt, bsz, emb = query.shape
        if emb != self.embed_dim:
            raise ShapeError(f"MultiheadAttention: query has {emb} features, expected "
                             f"embed_dim={self.embed_dim}")
        if key.shape[:2] != value.shape[:2] or key.shape[1] != bsz:
            raise ShapeError(f"MultiheadAttention: key {key.shape} and value {value.shape} "
                             f"do not fit query {query.shape} (layout (L, N, E))")
        nh, d = self.num_heads, self.head_dim
        attn_mask = _float_mask(attn_mask, query.dtype, "attn_mask")
        key_padding_mask = _float_mask(key_padding_mask, query.dtype, "key_padding_mask")
        if attn_mask is not None and attn_mask.ndim == 2:
            attn_mask = attn_mask.unsqueeze(0)
        q, k, v = self._in_projection(query, key, value)
        if self.bias_k is not None:
            k = lucid.cat([k, self.bias_k.expand(1, bsz, emb)], dim=0)
            v = lucid.cat([v, self.bias_v.expand(1, bsz, emb)], dim=0)
            attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
        # (L, N, E) -> (N*heads, L, d): head h of sample n sits at n*heads + h (PyTorch)
        q = q.reshape(tgt, bsz * nh, d).transpose(0, 1)
        k = k.reshape(k.shape[0], bsz * nh, d).transpose(0, 1)
        v = v.reshape(v.shape[0], bsz * nh, d).transpose(0, 1)
        if self.add_zero_attn:
            zeros = lucid.zeros((bsz * nh, 1, d), dtype=k.dtype, device=k.device)
            k, v = lucid.cat([k, zeros], dim=1), lucid.cat([v, zeros], dim=1)
            attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
        src = k.shape[1]
        if attn_mask is not None and \
                attn_mask.shape not in ((1, tgt, src), (bsz * nh, tgt, src)):
            raise ShapeError(f"MultiheadAttention: attn_mask of shape {attn_mask.shape} does "
                             f"not fit {(tgt, src)} or {(bsz * nh, tgt, src)}")
        if key_padding_mask is not None:
            if key_padding_mask.shape != (bsz, src):
                raise ShapeError(f"MultiheadAttention: key_padding_mask of shape "
                                 f"{key_padding_mask.shape}, expected {(bsz, src)}")
            kpm = key_padding_mask.reshape(bsz, 1, 1, src).expand(bsz, nh, 1, src)
            kpm = kpm.reshape(bsz * nh, 1, src)
            attn_mask = kpm if attn_mask is None else attn_mask + kpm
        if need_weights or (self.dropout > 0.0 and self.training):
            out, weights = attention(q, k, v, attn_mask, self.dropout, training=self.training)
        else:  # core's op: the backend's fused kernel when it has one
            out = fused_attention(q, k, v, attn_mask)
        out = out.transpose(0, 1).reshape(tgt * bsz, emb)
        out = self.out_proj(out).reshape(tgt, bsz, emb)
        if not batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        weights = weights.reshape(bsz, nh, tgt, src)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            weights = weights.squeeze(0)
        return out, weights
