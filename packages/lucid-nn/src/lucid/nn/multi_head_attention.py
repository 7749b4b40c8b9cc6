"""``MultiHeadAttention``: the original Lucid's attention layer, beside PyTorch's
``MultiheadAttention``.

The same computation and parameters as :class:`lucid.nn.MultiheadAttention`
(``in_proj_weight``/``in_proj_bias`` or ``q/k/v_proj_weight``, ``out_proj``), used as the
original Lucid used it: tensors are batch-first ``(N, L, E)``, ``forward`` returns the
output tensor alone (no attention weights), and ``is_causal=True`` builds the causal mask
itself (query ``i`` sees keys ``j <= i``)::

    mha = nn.MultiHeadAttention(64, 8)
    y = mha(x, x, x, is_causal=True)        # x: (N, L, 64) -> y: (N, L, 64)
"""

from __future__ import annotations

import lucid
from lucid.nn.attention import MultiheadAttention
from lucid.tensor import Tensor

__all__ = ["MultiHeadAttention"]


class MultiHeadAttention(MultiheadAttention):
    """Batch-first multi-head attention returning only the output:
    ``MHA(Q, K, V) = concat(head_1..head_h) W_o^T + b_o``,
    ``head_i = softmax(Q_i K_i^T / sqrt(d) + M) V_i`` (see ``MultiheadAttention``).

    Args: ``embed_dim``, ``num_heads``, ``dropout=0.0``, ``bias=True``,
    ``add_bias_kv=False``, ``add_zero_attn=False``, ``kdim=None``, ``vdim=None`` as
    PyTorch's; the original's ``use_separate_proj_weight`` is accepted (the projections are
    separate whenever ``kdim``/``vdim`` differ from ``embed_dim``; the math is the same).
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 use_separate_proj_weight: bool = True, add_bias_kv: bool = False,
                 add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None) -> None:
        super().__init__(embed_dim, num_heads, dropout=dropout, bias=bias,
                         add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, kdim=kdim,
                         vdim=vdim, batch_first=True)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """``(N, L, E), (N, S, E_k), (N, S, E_v) -> (N, L, E)``. ``key_padding_mask
        (N, S)``: ``True`` (or ``-inf``) marks keys to ignore; ``attn_mask (L, S)`` or
        ``(N * heads, L, S)`` likewise."""
        if is_causal and attn_mask is None:
            tgt, src = query.shape[-2], key.shape[-2]
            attn_mask = lucid.triu(lucid.ones(tgt, src, dtype=lucid.bool_,
                                              device=query.device), diagonal=1)
        out, _ = super().forward(query, key, value, key_padding_mask=key_padding_mask,
                                 need_weights=False, attn_mask=attn_mask,
                                 is_causal=is_causal)
        return out
