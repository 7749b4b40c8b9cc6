"""Parity with torch.nn: TransformerEncoderLayer, TransformerDecoderLayer, their stacks and
Transformer (post-/pre-norm, relu/gelu/callable activation, batch_first, bias, masks).
Same state-dict keys; outputs and the gradients of inputs and every parameter compared in
eval mode (dropout 0.1 off) and in train mode with dropout 0 (rtol 1e-5 / 1e-10)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from nn_parity_helpers import TORCH_DTYPE, assert_close, copy_torch_weights

import lucid
import lucid.nn as nn

DTYPES = ["float32", "float64"]
# torch's own notes on mask types, nested tensors and oneDNN are not about Lucid
pytestmark = pytest.mark.filterwarnings("ignore:.*(mismatched|nested|oneDNN).*:UserWarning")
D, HEADS, FF, S, T, N = 8, 2, 16, 5, 4, 3


def _pair(a: np.ndarray, dtype: str):
    if a.dtype.kind == "f":
        a = a.astype(dtype)
        return torch.tensor(a, requires_grad=True), lucid.tensor(a, requires_grad=True)
    return torch.tensor(a), lucid.tensor(a)


def compare(lucid_module, torch_module, arrays: dict, dtype: str, train: bool) -> None:
    """Call both modules with keyword ``arrays`` (the first two positional), compare the
    output and every gradient."""
    torch_module = torch_module.to(TORCH_DTYPE[dtype]).train(train)
    lucid_module = lucid_module.to(dtype).train(train)
    assert list(lucid_module.state_dict()) == list(torch_module.state_dict())
    copy_torch_weights(lucid_module, torch_module)
    t_kw, l_kw = {}, {}
    for name, a in arrays.items():
        t_kw[name], l_kw[name] = _pair(a, dtype)
    t_out = torch_module(**t_kw)
    l_out = lucid_module(**l_kw)
    assert_close(l_out.numpy(), t_out.detach().numpy(), dtype, "output")
    r = np.random.default_rng(1).standard_normal(t_out.shape).astype(dtype)
    (t_out * torch.tensor(r)).sum().backward()
    (l_out * lucid.tensor(r)).sum().backward()
    for name in arrays:
        if t_kw[name].grad is not None:
            assert_close(l_kw[name].grad.numpy(), t_kw[name].grad.numpy(), dtype,
                         f"grad of {name}")
    lucid_params = dict(lucid_module.named_parameters())
    for name, p in torch_module.named_parameters():
        assert lucid_params[name].grad is not None, f"{name} has no gradient"
        assert_close(lucid_params[name].grad.numpy(), p.grad.numpy(), dtype, f"grad of {name}")


def _seq(rng, n, batch_first):
    return rng.standard_normal((N, n, D) if batch_first else (n, N, D))


def _causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


def _kpm(n):
    m = np.zeros((N, n), bool)
    m[1, n - 2:] = True
    return m


def _layer_kwargs(norm_first, activation, batch_first, train, bias=True):
    act = {"relu": "relu", "gelu": "gelu", "callable": None}[activation]
    return dict(dim_feedforward=FF, dropout=0.0 if train else 0.1, norm_first=norm_first,
                batch_first=batch_first, bias=bias, activation=act)


def _pairs_for(activation, kwargs):
    """torch and lucid kwargs (a callable activation differs per library)."""
    t_kw, l_kw = dict(kwargs), dict(kwargs)
    if activation == "callable":
        t_kw["activation"] = lambda x: torch.tanh(x) * 2
        l_kw["activation"] = lambda x: lucid.tanh(x) * 2
    return t_kw, l_kw


GRID = list(itertools.product([False, True], ["relu", "gelu", "callable"], [False, True],
                              [False, True]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_first,activation,batch_first,train", GRID)
def test_encoder_layer(norm_first, activation, batch_first, train, dtype):
    t_kw, l_kw = _pairs_for(activation, _layer_kwargs(norm_first, activation, batch_first,
                                                      train))
    torch.manual_seed(0)
    t_layer = torch.nn.TransformerEncoderLayer(D, HEADS, **t_kw)
    l_layer = nn.TransformerEncoderLayer(D, HEADS, **l_kw)
    rng = np.random.default_rng(0)
    compare(l_layer, t_layer, {"src": _seq(rng, S, batch_first), "src_mask": _causal(S),
                               "src_key_padding_mask": _kpm(S)}, dtype, train)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_first,activation,batch_first,train", GRID)
def test_decoder_layer(norm_first, activation, batch_first, train, dtype):
    t_kw, l_kw = _pairs_for(activation, _layer_kwargs(norm_first, activation, batch_first,
                                                      train))
    torch.manual_seed(0)
    t_layer = torch.nn.TransformerDecoderLayer(D, HEADS, **t_kw)
    l_layer = nn.TransformerDecoderLayer(D, HEADS, **l_kw)
    rng = np.random.default_rng(0)
    compare(l_layer, t_layer, {"tgt": _seq(rng, T, batch_first),
                               "memory": _seq(rng, S, batch_first), "tgt_mask": _causal(T),
                               "tgt_key_padding_mask": _kpm(T),
                               "memory_key_padding_mask": _kpm(S)}, dtype, train)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
def test_layers_without_bias_and_without_masks(bias, dtype):
    kw = _layer_kwargs(False, "relu", False, True, bias=bias)
    torch.manual_seed(0)
    rng = np.random.default_rng(2)
    compare(nn.TransformerEncoderLayer(D, HEADS, **kw),
            torch.nn.TransformerEncoderLayer(D, HEADS, **kw), {"src": _seq(rng, S, False)},
            dtype, True)
    compare(nn.TransformerDecoderLayer(D, HEADS, **kw),
            torch.nn.TransformerDecoderLayer(D, HEADS, **kw),
            {"tgt": _seq(rng, T, False), "memory": _seq(rng, S, False)}, dtype, True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_norm", [False, True])
def test_stacks(with_norm, dtype):
    kw = _layer_kwargs(True, "gelu", True, True)
    torch.manual_seed(0)
    rng = np.random.default_rng(3)
    t_enc = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(D, HEADS, **kw), 2,
                                        norm=torch.nn.LayerNorm(D) if with_norm else None,
                                        enable_nested_tensor=False)
    l_enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(D, HEADS, **kw), 2,
                                  norm=nn.LayerNorm(D) if with_norm else None)
    compare(l_enc, t_enc, {"src": _seq(rng, S, True), "mask": _causal(S),
                           "src_key_padding_mask": _kpm(S)}, dtype, True)
    t_dec = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(D, HEADS, **kw), 2,
                                        norm=torch.nn.LayerNorm(D) if with_norm else None)
    l_dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(D, HEADS, **kw), 2,
                                  norm=nn.LayerNorm(D) if with_norm else None)
    compare(l_dec, t_dec, {"tgt": _seq(rng, T, True), "memory": _seq(rng, S, True),
                           "tgt_mask": _causal(T), "memory_key_padding_mask": _kpm(S)},
            dtype, True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_first,batch_first,train",
                         list(itertools.product([False, True], repeat=3)))
def test_transformer(norm_first, batch_first, train, dtype):
    torch.manual_seed(0)
    kw = dict(d_model=D, nhead=HEADS, num_encoder_layers=2, num_decoder_layers=2,
              dim_feedforward=FF, dropout=0.0 if train else 0.1, norm_first=norm_first,
              batch_first=batch_first)
    rng = np.random.default_rng(4)
    compare(nn.Transformer(**kw), torch.nn.Transformer(**kw),
            {"src": _seq(rng, S, batch_first), "tgt": _seq(rng, T, batch_first),
             "tgt_mask": _causal(T), "src_key_padding_mask": _kpm(S),
             "tgt_key_padding_mask": _kpm(T), "memory_key_padding_mask": _kpm(S)},
            dtype, train)


def test_generate_square_subsequent_mask():
    for n in (1, 4):
        want = torch.nn.Transformer.generate_square_subsequent_mask(n).numpy()
        np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(n).numpy(),
                                      want)
    m = nn.Transformer.generate_square_subsequent_mask(3, dtype=lucid.float64)
    assert m.dtype == lucid.float64
