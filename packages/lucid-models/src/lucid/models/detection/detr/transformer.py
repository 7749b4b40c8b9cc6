"""DETR's encoder-decoder transformer (Carion et al., "End-to-End Object Detection with
Transformers", ECCV 2020), post-norm layers as in the paper's code.

Encoder layer: ``q = k = x + pos``; ``x = LN(x + Attn(q, k, x))``; ``x = LN(x + FFN(x))``.
Decoder layer: ``q = k = t + query_pos``; ``t = LN(t + SelfAttn(q, k, t))``;
``t = LN(t + CrossAttn(t + query_pos, memory + pos, memory))``; ``t = LN(t + FFN(t))``.
The positional codes enter queries and keys only, at every layer. The decoder starts from
zeros, and the output of every decoder layer goes through the shared final layer norm
(auxiliary losses use them all). Shapes are sequence-first ``(L, N, d)``.
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.nn import functional as F

__all__ = ["DETRTransformer"]


class EncoderLayer(nn.Module):
    def __init__(self, d: int, nhead: int, ff: int, dropout: float) -> None:
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, nhead, dropout=dropout)
        self.linear1, self.dropout, self.linear2 = nn.Linear(d, ff), nn.Dropout(dropout), \
            nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, x, pos, key_padding_mask):
        q = x + pos
        x = self.norm1(x + self.dropout1(self.self_attn(q, q, x, key_padding_mask=key_padding_mask,
                                                        need_weights=False)[0]))
        ffn = self.linear2(self.dropout(F.relu(self.linear1(x))))
        return self.norm2(x + self.dropout2(ffn))


class DecoderLayer(nn.Module):
    def __init__(self, d: int, nhead: int, ff: int, dropout: float) -> None:
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, nhead, dropout=dropout)
        self.multihead_attn = nn.MultiheadAttention(d, nhead, dropout=dropout)
        self.linear1, self.dropout, self.linear2 = nn.Linear(d, ff), nn.Dropout(dropout), \
            nn.Linear(ff, d)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.dropout1, self.dropout2, self.dropout3 = (nn.Dropout(dropout), nn.Dropout(dropout),
                                                       nn.Dropout(dropout))

    def forward(self, t, memory, pos, query_pos, key_padding_mask):
        q = t + query_pos
        t = self.norm1(t + self.dropout1(self.self_attn(q, q, t, need_weights=False)[0]))
        cross = self.multihead_attn(t + query_pos, memory + pos, memory,
                                    key_padding_mask=key_padding_mask, need_weights=False)[0]
        t = self.norm2(t + self.dropout2(cross))
        ffn = self.linear2(self.dropout(F.relu(self.linear1(t))))
        return self.norm3(t + self.dropout3(ffn))


class _Stack(nn.Module):
    def __init__(self, layers, norm=None) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)
        if norm is not None:
            self.norm = norm


class DETRTransformer(nn.Module):
    def __init__(self, d_model: int = 256, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = _Stack([EncoderLayer(d_model, nhead, dim_feedforward, dropout)
                               for _ in range(num_encoder_layers)])
        self.decoder = _Stack([DecoderLayer(d_model, nhead, dim_feedforward, dropout)
                               for _ in range(num_decoder_layers)], nn.LayerNorm(d_model))
        self.d_model = d_model
        for p in self.parameters():
            if p.ndim > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, src, mask, query_embed, pos):
        """``src, pos (N, d, H, W)``, ``mask (N, H, W)`` bool, ``query_embed (Q, d)`` ->
        decoder outputs of every layer ``(layers, N, Q, d)``."""
        n, d, h, w = src.shape
        src = src.flatten(2).permute(2, 0, 1)
        pos = pos.flatten(2).permute(2, 0, 1)
        key_mask = mask.reshape(n, h * w)
        query_pos = query_embed[:, None, :].expand(query_embed.shape[0], n, d)
        memory = src
        for layer in self.encoder.layers:
            memory = layer(memory, pos, key_mask)
        t = lucid.zeros_like(query_pos)
        outs = []
        for layer in self.decoder.layers:
            t = layer(t, memory, pos, query_pos, key_mask)
            outs.append(self.decoder.norm(t))
        return lucid.stack(outs).permute(0, 2, 1, 3)
