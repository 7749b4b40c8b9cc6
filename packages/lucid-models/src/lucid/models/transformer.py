"""The sequence-to-sequence Transformer of Vaswani et al., "Attention Is All You Need"
(NeurIPS 2017): an encoder-decoder over token ids with one shared embedding.

Structure (post-norm, as the paper)::

    e(x)   = E[x] * sqrt(d_model) + PE[pos]            E: (vocab, d_model), shared by the
                                                       source, the target and the output
    PE[p, 2i] = sin(p / 10000^(2i/d)),  PE[p, 2i+1] = cos(p / 10000^(2i/d))   (no parameters)
    memory = Encoder(dropout(e(src)))                  N layers: self-attention, FFN
    h      = Decoder(dropout(e(tgt)), memory)          N layers: causal self-attention,
                                                       cross-attention, FFN
    logits = h @ E^T                                   tied output projection, no bias

The encoder/decoder stacks are ``lucid.nn.Transformer`` (``batch_first=True``, ReLU FFN,
each stack ending with a LayerNorm as PyTorch's), so attention is
``F.scaled_dot_product_attention``. ``src_key_padding_mask`` / ``tgt_key_padding_mask``
are built from ``pad_idx`` (True = padding, ignored); the target gets the causal mask.
Initialisation: ``nn.Transformer``'s Xavier-uniform on matrices, the embedding
``N(0, d_model^-1/2)`` (so ``E * sqrt(d)`` has unit scale), its ``pad_idx`` row zero.

Parameter counts (convention: one 37,000-token vocabulary shared by source and target,
as the paper's English-German BPE vocabulary; tied output projection; LayerNorms counted):
``transformer_base`` (N=6, d=512, h=8, d_ff=2048) 63,084,544; ``transformer_big`` (N=6,
d=1024, h=16, d_ff=4096) 214,249,472. The paper reports 65M and 213M (Table 3); it does not
give its exact vocabulary/embedding bookkeeping, so the figures differ by those few
millions. Dropout: base 0.1, big 0.3 (the paper's EN-DE big model).
"""

from __future__ import annotations

import math

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.models.registry import register_model

__all__ = ["Transformer", "transformer_base", "transformer_big"]


def sinusoidal_positions(length: int, d_model: int) -> lucid.Tensor:
    """``PE`` of shape ``(length, d_model)`` (even columns sine, odd columns cosine)."""
    import numpy as np

    pos = np.arange(length, dtype=np.float64)[:, None]
    rate = np.exp(-math.log(10000.0) * np.arange(0, d_model, 2, dtype=np.float64) / d_model)
    pe = np.zeros((length, d_model), dtype=np.float64)
    pe[:, 0::2] = np.sin(pos * rate)
    pe[:, 1::2] = np.cos(pos * rate[: d_model // 2])
    return lucid.tensor(pe.astype(np.float32))


class Transformer(nn.Module):
    """Encoder-decoder Transformer over token ids, embeddings shared and tied.

    Args:
        vocab_size (37000), d_model (512), num_heads (8), num_encoder_layers (6),
        num_decoder_layers (6), dim_feedforward (2048), dropout (0.1), pad_idx (0),
        max_len (1024: longest sequence the positional table covers).

    ``forward(src, tgt)``: ``src (N, S)``, ``tgt (N, T)`` integer ids -> logits
    ``(N, T, vocab_size)``; ``tgt`` is the decoder input (shifted right by the caller).
    """

    def __init__(self, vocab_size: int = 37000, d_model: int = 512, num_heads: int = 8,
                 num_encoder_layers: int = 6, num_decoder_layers: int = 6,
                 dim_feedforward: int = 2048, dropout: float = 0.1, pad_idx: int = 0,
                 max_len: int = 1024) -> None:
        super().__init__()
        if d_model % 2:
            raise ValueError(f"Transformer: d_model must be even, got {d_model}")
        self.vocab_size, self.d_model, self.pad_idx, self.max_len = \
            vocab_size, d_model, pad_idx, max_len
        self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=pad_idx)
        self.transformer = nn.Transformer(d_model, num_heads, num_encoder_layers,
                                          num_decoder_layers, dim_feedforward, dropout,
                                          batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("positions", sinusoidal_positions(max_len, d_model),
                             persistent=False)
        nn.init.normal_(self.embedding.weight, 0.0, d_model ** -0.5)
        with lucid.no_grad():
            self.embedding.weight[pad_idx] = 0.0

    def embed(self, ids: lucid.Tensor) -> lucid.Tensor:
        """``dropout(E[ids] * sqrt(d) + PE)`` for ``ids (N, L)``."""
        if ids.ndim != 2:
            raise ShapeError(f"Transformer: token ids must be (batch, length), got {ids.shape}")
        if ids.shape[1] > self.max_len:
            raise ShapeError(f"Transformer: length {ids.shape[1]} exceeds max_len "
                             f"{self.max_len}")
        x = self.embedding(ids) * math.sqrt(self.d_model)
        return self.dropout(x + self.positions[: ids.shape[1]])

    def encode(self, src: lucid.Tensor) -> tuple[lucid.Tensor, lucid.Tensor]:
        """``(memory, src_padding)`` for ``src (N, S)``."""
        src_pad = src == self.pad_idx
        memory = self.transformer.encoder(self.embed(src), src_key_padding_mask=src_pad)
        return memory, src_pad

    def decode(self, tgt: lucid.Tensor, memory: lucid.Tensor,
               src_pad: lucid.Tensor) -> lucid.Tensor:
        """Logits ``(N, T, vocab)`` of the decoder on ``tgt (N, T)`` given the memory."""
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1],
                                                                device=tgt.device)
        h = self.transformer.decoder(self.embed(tgt), memory, tgt_mask=causal,
                                     tgt_key_padding_mask=tgt == self.pad_idx,
                                     memory_key_padding_mask=src_pad, tgt_is_causal=True)
        return h @ self.embedding.weight.T

    def forward(self, src: lucid.Tensor, tgt: lucid.Tensor) -> lucid.Tensor:
        if src.shape[0] != tgt.shape[0]:
            raise ShapeError(f"Transformer: src {src.shape} and tgt {tgt.shape} must have the "
                             f"same batch size")
        memory, src_pad = self.encode(src)
        return self.decode(tgt, memory, src_pad)

    def greedy_decode(self, src: lucid.Tensor, bos_idx: int, max_len: int,
                      eos_idx: int | None = None) -> lucid.Tensor:
        """Greedy decoding: start from ``bos_idx`` and append the arg-max token ``max_len``
        times (sequences that emitted ``eos_idx`` are continued with ``pad_idx``). Returns
        ``(N, max_len)`` ids (without the BOS)."""
        with lucid.no_grad():
            memory, src_pad = self.encode(src)
            n = src.shape[0]
            ys = lucid.full((n, 1), bos_idx, dtype=lucid.int64, device=src.device)
            done = lucid.zeros(n, dtype=lucid.bool_, device=src.device)
            for _ in range(max_len):
                nxt = self.decode(ys, memory, src_pad)[:, -1].argmax(axis=-1)
                nxt = nxt.masked_fill(done, self.pad_idx)
                if eos_idx is not None:
                    done = done | (nxt == eos_idx)
                ys = lucid.concatenate([ys, nxt.reshape(n, 1)], axis=1)
        return ys[:, 1:]


def _transformer(num_classes, weights, defaults, kwargs) -> Transformer:
    if weights is not None:
        raise ValueError("transformer: no pretrained weights are published for this model")
    vocab = kwargs.pop("vocab_size", num_classes)
    return Transformer(vocab, **{**defaults, **kwargs})


@register_model
def transformer_base(num_classes: int = 37000, weights=None, **kwargs) -> Transformer:
    """Transformer base (N=6, d=512, 8 heads, d_ff=2048, dropout 0.1): 63,084,544
    parameters with the shared 37,000-token vocabulary (``num_classes`` and
    ``vocab_size`` both name the vocabulary size; the paper reports 65M)."""
    return _transformer(num_classes, weights, {"d_model": 512, "num_heads": 8,
                                               "dim_feedforward": 2048, "dropout": 0.1}, kwargs)


@register_model
def transformer_big(num_classes: int = 37000, weights=None, **kwargs) -> Transformer:
    """Transformer big (N=6, d=1024, 16 heads, d_ff=4096, dropout 0.3): 214,249,472
    parameters with the shared 37,000-token vocabulary (the paper reports 213M)."""
    return _transformer(num_classes, weights, {"d_model": 1024, "num_heads": 16,
                                               "dim_feedforward": 4096, "dropout": 0.3}, kwargs)
