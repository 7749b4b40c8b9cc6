"""The Transformer of "Attention Is All You Need": encoder and decoder layers, their
stacks, and the full encoder-decoder ``Transformer``, with PyTorch's arguments, defaults
and submodule names (so state-dict keys match ``torch.nn.Transformer*``).

Encoder layer (post-norm, the default): ``x = norm1(x + SA(x))``, ``x = norm2(x + FF(x))``;
pre-norm (``norm_first=True``): ``x = x + SA(norm1(x))``, ``x = x + FF(norm2(x))``, with
``SA`` self-attention and ``FF(x) = linear2(dropout(act(linear1(x))))``. The decoder
layer adds cross-attention ``CA(x, memory)`` between the two, normalised by ``norm2``
(``norm3`` then serves the feed-forward block).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import lucid
from lucid.nn import functional as F
from lucid.nn import init
from lucid.nn.attention import MultiheadAttention
from lucid.nn.containers import ModuleList
from lucid.nn.dropout import Dropout
from lucid.nn.linear import Linear
from lucid.nn.module import Module
from lucid.nn.normalization import LayerNorm
from lucid.tensor import Tensor

__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
           "TransformerDecoder", "Transformer"]


def _activation(activation: str | Callable) -> Callable:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if callable(activation):
        return activation
    raise ValueError(f"activation should be 'relu', 'gelu' or a callable, got {activation!r}")


def _clones(module: Module, n: int) -> ModuleList:
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


class _FeedForwardMixin:
    """``FF(x) = linear2(dropout(act(linear1(x))))``, then the block's own dropout."""

    def _ff_block(self, x: Tensor, last_dropout: Module) -> Tensor:
        return last_dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _build_ff(self, d_model: int, dim_feedforward: int, dropout: float, activation,
                  bias: bool, factory: dict) -> None:
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.activation = _activation(activation)


class TransformerEncoderLayer(_FeedForwardMixin, Module):
    """Self-attention then a feed-forward block, each with a residual connection and
    ``LayerNorm`` (after the residual by default, before the block if ``norm_first``).

    Args: ``d_model``, ``nhead``, ``dim_feedforward=2048``, ``dropout=0.1``,
    ``activation="relu"`` (or ``"gelu"``, or a callable), ``layer_norm_eps=1e-5``,
    ``batch_first=False``, ``norm_first=False``, ``bias=True``.
    ``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)``; ``src``
    is ``(S, N, E)`` (``(N, S, E)`` if ``batch_first``); masks as in
    :class:`MultiheadAttention`.

    Example::

        layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, batch_first=True)
        layer(lucid.randn(2, 7, 16)).shape  # (2, 7, 16)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **factory)
        self._build_ff(d_model, dim_feedforward, dropout, activation, bias, factory)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)

    def _sa_block(self, x: Tensor, attn_mask, key_padding_mask, is_causal: bool) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def forward(self, src: Tensor, src_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x), self.dropout2)
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x, self.dropout2))
        return x


class TransformerDecoderLayer(_FeedForwardMixin, Module):
    """Masked self-attention, cross-attention to ``memory``, then a feed-forward block;
    each with a residual connection and ``LayerNorm`` (``norm1``, ``norm2``, ``norm3``).

    Same arguments as :class:`TransformerEncoderLayer`.
    ``forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)``.

    Example::

        layer = nn.TransformerDecoderLayer(d_model=16, nhead=4)
        layer(lucid.randn(5, 2, 16), lucid.randn(7, 2, 16)).shape  # (5, 2, 16)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **factory)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first, **factory)
        self._build_ff(d_model, dim_feedforward, dropout, activation, bias, factory)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal) -> Tensor:
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, need_weights=False,
                                is_causal=is_causal)[0]
        return self.dropout2(x)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x), self.dropout3)
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask,
                                              tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask,
                                               memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x, self.dropout3))
        return x


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` (deep copies, own weights) applied in
    turn, then ``norm`` if given. ``forward(src, mask=None, src_key_padding_mask=None,
    is_causal=None)``.

    Example::

        layer = nn.TransformerEncoderLayer(16, 4)
        encoder = nn.TransformerEncoder(layer, num_layers=2)
        encoder(lucid.randn(7, 2, 16)).shape  # (7, 2, 16)
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src: Tensor, mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=bool(is_causal))
        return self.norm(x) if self.norm is not None else x


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer`` applied in turn (each reading the same
    ``memory``), then ``norm`` if given.

    Example::

        layer = nn.TransformerDecoderLayer(16, 4)
        decoder = nn.TransformerDecoder(layer, num_layers=2)
        decoder(lucid.randn(5, 2, 16), lucid.randn(7, 2, 16)).shape  # (5, 2, 16)
    """

    def __init__(self, decoder_layer: Module, num_layers: int,
                 norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Tensor:
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return self.norm(x) if self.norm is not None else x


class Transformer(Module):
    """Encoder-decoder Transformer: ``memory = encoder(src)``,
    ``out = decoder(tgt, memory)``; both stacks end with a ``LayerNorm``. Every parameter
    with more than one dim is re-initialised with ``xavier_uniform_``.

    Args: ``d_model=512``, ``nhead=8``, ``num_encoder_layers=6``, ``num_decoder_layers=6``,
    ``dim_feedforward=2048``, ``dropout=0.1``, ``activation="relu"``,
    ``custom_encoder=None``, ``custom_decoder=None``, ``layer_norm_eps=1e-5``,
    ``batch_first=False``, ``norm_first=False``, ``bias=True``.
    Shapes: ``src (S, N, E)``, ``tgt (T, N, E)`` (batch first if ``batch_first``) ->
    ``(T, N, E)``.

    Example::

        model = nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2,
                               num_decoder_layers=2, dim_feedforward=32)
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(5)
        model(lucid.randn(7, 2, 16), lucid.randn(5, 2, 16), tgt_mask=tgt_mask).shape
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str | Callable = "relu",
                 custom_encoder: Module | None = None, custom_decoder: Module | None = None,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                      batch_first, norm_first, bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(*layer_args, **factory)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(*layer_args, **factory)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None,
                tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        batch_dim = 0 if self.batch_first else 1
        if src.ndim == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise ValueError(f"Transformer: src {src.shape} and tgt {tgt.shape} must have the "
                             f"same batch size (batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ValueError(f"Transformer: the feature size of src {src.shape} and tgt "
                             f"{tgt.shape} must equal d_model={self.d_model}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
        """``(sz, sz)`` float mask: ``-inf`` above the diagonal (future positions), ``0``
        on and below it."""
        upper = lucid.ones(sz, sz, dtype=lucid.bool_, device=device or "cpu").triu(1)
        zeros = lucid.zeros((sz, sz), dtype=dtype or lucid.float32, device=device or "cpu")
        return zeros.masked_fill(upper, float("-inf"))
