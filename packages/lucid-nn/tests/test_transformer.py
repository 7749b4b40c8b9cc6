"""Transformer layers and model: state-dict keys (torch's names), shapes, the post-/pre-norm
formulas against a hand-assembled forward, causality, independent copies in the stacks,
xavier init, the square subsequent mask, dropout modes, and a tiny model that learns."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F


def t(*shape, seed=0, requires_grad=False):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return lucid.tensor(a, requires_grad=requires_grad)


def test_encoder_layer_state_dict_keys_and_defaults():
    layer = nn.TransformerEncoderLayer(16, 4)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
        "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    assert layer.linear1.weight.shape == (2048, 16)
    assert layer.dropout.p == layer.dropout1.p == layer.dropout2.p == 0.1
    assert layer.norm1.eps == 1e-5 and layer.norm_first is False
    assert layer.self_attn.batch_first is False


def test_decoder_layer_state_dict_keys():
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, bias=False)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight", "self_attn.out_proj.weight",
        "multihead_attn.in_proj_weight", "multihead_attn.out_proj.weight", "linear1.weight",
        "linear2.weight", "norm1.weight", "norm2.weight", "norm3.weight"]
    assert layer.dropout3.p == 0.1


def test_transformer_keys_shapes_and_init():
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=3,
                           dim_feedforward=16)
    keys = list(model.state_dict())
    assert "encoder.layers.1.self_attn.in_proj_weight" in keys
    assert "decoder.layers.2.multihead_attn.out_proj.bias" in keys
    assert "encoder.norm.weight" in keys and "decoder.norm.bias" in keys
    assert len(model.encoder.layers) == 2 and len(model.decoder.layers) == 3
    for name, p in model.named_parameters():
        if p.ndim > 1:  # xavier_uniform_ everywhere
            bound = math.sqrt(6 / (p.shape[0] + p.shape[1]))
            assert np.abs(p.numpy()).max() <= bound + 1e-7, name
    out = model(t(7, 2, 8), t(5, 2, 8, seed=1))
    assert out.shape == (5, 2, 8)
    model_bf = nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
    assert model_bf(t(2, 7, 8), t(2, 5, 8, seed=1)).shape == (2, 5, 8)


def test_stack_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
    enc = nn.TransformerEncoder(layer, 3)
    ids = {id(m.linear1.weight) for m in enc.layers}
    assert len(ids) == 3 and id(layer.linear1.weight) not in ids
    np.testing.assert_array_equal(enc.layers[0].linear1.weight.numpy(),
                                  enc.layers[2].linear1.weight.numpy())
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))


def _ff(layer, x):
    return layer.linear2(F.relu(layer.linear1(x)))


def _sa(attn, x, mem=None):
    mem = x if mem is None else mem
    return attn(x, mem, mem, need_weights=False)[0]


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_formula(norm_first):
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, norm_first=norm_first).eval()
    x = t(5, 3, 8)
    if norm_first:
        h = x + _sa(layer.self_attn, layer.norm1(x))
        want = h + _ff(layer, layer.norm2(h))
    else:
        h = layer.norm1(x + _sa(layer.self_attn, x))
        want = layer.norm2(h + _ff(layer, h))
    np.testing.assert_allclose(layer(x).numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_formula(norm_first):
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, norm_first=norm_first).eval()
    x, mem = t(4, 3, 8), t(6, 3, 8, seed=1)
    if norm_first:
        h = x + _sa(layer.self_attn, layer.norm1(x))
        h = h + _sa(layer.multihead_attn, layer.norm2(h), mem)
        want = h + _ff(layer, layer.norm3(h))
    else:
        h = layer.norm1(x + _sa(layer.self_attn, x))
        h = layer.norm2(h + _sa(layer.multihead_attn, h, mem))
        want = layer.norm3(h + _ff(layer, h))
    np.testing.assert_allclose(layer(x, mem).numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_activation_choices():
    x = t(5, 2, 8)
    gelu = nn.TransformerEncoderLayer(8, 2, 16, activation="gelu").eval()
    ref = nn.TransformerEncoderLayer(8, 2, 16, activation=F.gelu).eval()
    ref.load_state_dict(gelu.state_dict())
    np.testing.assert_allclose(gelu(x).numpy(), ref(x).numpy(), rtol=1e-6)
    module_act = nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU())
    assert isinstance(module_act.activation, nn.GELU)  # registered as a submodule, as in torch
    assert "activation" in dict(module_act.named_children())
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerEncoderLayer(8, 2, 16, activation="swish")


def test_square_subsequent_mask():
    m = nn.Transformer.generate_square_subsequent_mask(4).numpy()
    assert m.dtype == np.float32
    np.testing.assert_array_equal(np.isneginf(m), np.triu(np.ones((4, 4), bool), 1))
    np.testing.assert_array_equal(m[np.tril_indices(4)], 0.0)


def test_decoder_is_causal_with_the_mask():
    """With the subsequent mask, output position i does not change when later target
    positions change."""
    model = nn.Transformer(8, 2, 1, 2, 16).eval()
    src, tgt = t(6, 2, 8), t(5, 2, 8, seed=1)
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    a = model(src, tgt, tgt_mask=mask).numpy()
    tgt2 = tgt.numpy().copy()
    tgt2[3:] += 5.0
    b = model(src, lucid.tensor(tgt2), tgt_mask=mask).numpy()
    np.testing.assert_allclose(a[:3], b[:3], rtol=1e-5, atol=1e-6)
    assert not np.allclose(a[3:], b[3:])


def test_dropout_train_versus_eval():
    lucid.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = t(5, 2, 8)
    layer.eval()
    a = layer(x).numpy()
    np.testing.assert_array_equal(a, layer(x).numpy())
    layer.train()
    assert not np.allclose(layer(x).numpy(), a)


def test_transformer_errors():
    model = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(ValueError, match="batch size"):
        model(t(5, 2, 8), t(4, 3, 8))
    with pytest.raises(ValueError, match="d_model"):
        model(t(5, 2, 6), t(4, 2, 6))


def test_tiny_transformer_learns_to_copy():
    """Encoder-decoder with embeddings copies a 4-token sequence (teacher forcing); the
    loss drops well below chance with a hand-written SGD step."""
    lucid.manual_seed(0)
    vocab, d = 6, 16
    rng = np.random.default_rng(0)
    src = rng.integers(1, vocab, size=(8, 4))
    tgt_in = np.concatenate([np.zeros((8, 1), np.int64), src[:, :-1]], axis=1)  # 0 = BOS
    emb = nn.Embedding(vocab, d)
    model = nn.Transformer(d, 2, 1, 1, 32, dropout=0.0, batch_first=True)
    head = nn.Linear(d, vocab)
    params = list(emb.parameters()) + list(model.parameters()) + list(head.parameters())
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    s, ti, tt = lucid.tensor(src), lucid.tensor(tgt_in), lucid.tensor(src)
    losses = []
    for _ in range(40):
        logits = head(model(emb(s), emb(ti), tgt_mask=mask))
        loss = F.cross_entropy(logits.reshape(-1, vocab), tt.reshape(-1))
        for p in params:
            p.grad = None
        loss.backward()
        with lucid.no_grad():
            for p in params:
                p.sub_(p.grad * 0.2)
        losses.append(float(loss.item()))
    assert losses[-1] < 0.5 * losses[0], losses[::8]
