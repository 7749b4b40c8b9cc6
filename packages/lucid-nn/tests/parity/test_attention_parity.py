"""Parity with torch: ``F.scaled_dot_product_attention`` (no mask, boolean and float masks,
causal, scale, broadcast masks, grouped-query) and ``nn.MultiheadAttention`` (every option:
masks, padding, batch_first, unbatched, kdim/vdim, bias_kv, zero_attn, weights averaged or
per head). Outputs, attention weights and the gradients of every input and parameter are
compared (rtol 1e-5 float32, 1e-10 float64)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from nn_parity_helpers import (
    TORCH_DTYPE,
    assert_close,
    compare_outputs_and_backward,
    copy_torch_weights,
)

import lucid
import lucid.nn as nn
import lucid.nn.functional as F

DTYPES = ["float32", "float64"]
# torch's own notes on mask types, nested tensors and oneDNN are not about Lucid
pytestmark = pytest.mark.filterwarnings("ignore:.*(mismatched|nested|oneDNN).*:UserWarning")


def _pair(a: np.ndarray, dtype: str | None, grad: bool = True):
    if dtype is not None and a.dtype.kind == "f":
        a = a.astype(dtype)
    grad = grad and a.dtype.kind == "f"
    return torch.tensor(a, requires_grad=grad), lucid.tensor(a, requires_grad=grad)


def _backward_and_compare(t_outs, l_outs, t_in, l_in, dtype, torch_module=None,
                          lucid_module=None):
    rng = np.random.default_rng(1)
    compare_outputs_and_backward(t_outs, l_outs, dtype, rng)
    for i, (t, lt) in enumerate(zip(t_in, l_in)):
        if t.grad is not None:
            assert_close(lt.grad.numpy(), t.grad.numpy(), dtype, f"grad of input {i}")
    if torch_module is not None:
        lucid_params = dict(lucid_module.named_parameters())
        for name, p in torch_module.named_parameters():
            assert lucid_params[name].grad is not None, f"{name} has no gradient"
            assert_close(lucid_params[name].grad.numpy(), p.grad.numpy(), dtype,
                         f"grad of {name}")


# -- scaled_dot_product_attention ----------------------------------------------------------

def _masks(rng, lq, sk):
    keep = rng.random((lq, sk)) > 0.4
    keep[:, 0] = True  # every query keeps at least one key
    return {
        "none": None,
        "bool": keep,
        "bool_broadcast": keep[None, None, :1, :].repeat(lq, axis=2),
        "float": rng.standard_normal((lq, sk)),
        "float_inf": np.where(keep, 0.0, -np.inf),
        "bool_per_head": rng.random((2, 3, lq, sk)) > 0.3,
    }


SDPA_CASES = ["none", "bool", "bool_broadcast", "float", "float_inf", "bool_per_head",
              "causal", "causal_rect", "scale", "fully_masked_row"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa(case, dtype):
    rng = np.random.default_rng(0)
    lq, sk, e, ev = 4, 6, 5, 3
    if case == "causal":
        sk = lq
    q, k, v = (rng.standard_normal((2, 3, n, d)) for n, d in ((lq, e), (sk, e), (sk, ev)))
    kwargs = {}
    mask = None
    if case in ("causal", "causal_rect"):
        kwargs["is_causal"] = True
    elif case == "scale":
        kwargs["scale"] = 0.37
    elif case == "fully_masked_row":
        mask = np.ones((lq, sk), bool)
        mask[1] = False  # torch gives zeros for a row with no key, so do we
    else:
        mask = _masks(rng, lq, sk)[case]
    (tq, lq), (tk, lk), (tv, lv) = (_pair(a, dtype) for a in (q, k, v))
    t_kw, l_kw = dict(kwargs), dict(kwargs)
    if mask is not None:
        tm, lm = _pair(mask, dtype, grad=False)
        t_kw["attn_mask"], l_kw["attn_mask"] = tm, lm
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **t_kw)
    l_out = F.scaled_dot_product_attention(lq, lk, lv, **l_kw)
    _backward_and_compare([t_out], [l_out], [tq, tk, tv], [lq, lk, lv], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sdpa_gqa_and_3d(dtype):
    rng = np.random.default_rng(2)
    q = rng.standard_normal((2, 4, 5, 3))
    k, v = rng.standard_normal((2, 2, 6, 3)), rng.standard_normal((2, 2, 6, 3))
    (tq, lq), (tk, lk), (tv, lv) = (_pair(a, dtype) for a in (q, k, v))
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, enable_gqa=True)
    l_out = F.scaled_dot_product_attention(lq, lk, lv, enable_gqa=True)
    _backward_and_compare([t_out], [l_out], [tq, tk, tv], [lq, lk, lv], dtype)
    # no head dim at all: (N, L, E)
    (tq, lq), (tk, lk) = _pair(q[:, 0], dtype), _pair(k[:, 0], dtype)
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tk, is_causal=True)
    l_out = F.scaled_dot_product_attention(lq, lk, lk, is_causal=True)
    _backward_and_compare([t_out], [l_out], [tq, tk], [lq, lk], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask_shape", [(4, 6), (2, 1, 4, 6)])
def test_sdpa_learned_float_mask_gets_a_gradient(mask_shape, dtype):
    """A float mask that requires grad (a learned bias, broadcast over heads or batch):
    its gradient is the scores' gradient summed over the broadcast dims."""
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((2, 3, n, d)) for n, d in ((4, 5), (6, 5), (6, 3)))
    (tq, lq), (tk, lk), (tv, lv), (tm, lm) = (
        _pair(a, dtype) for a in (q, k, v, rng.standard_normal(mask_shape)))
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm)
    l_out = F.scaled_dot_product_attention(lq, lk, lv, attn_mask=lm)
    _backward_and_compare([t_out], [l_out], [tq, tk, tv, tm], [lq, lk, lv, lm], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sdpa_fused_and_dropout_paths_agree(dtype):
    """``dropout_p=0`` runs the fused op; the dropout composition with ``p > 0`` is
    another path: with ``p`` tiny and a fixed seed both agree on a no-drop draw."""
    rng = np.random.default_rng(4)
    q = lucid.tensor(rng.standard_normal((2, 2, 3, 4)).astype(dtype))
    fused = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    composed = F.scaled_dot_product_attention(q, q, q, is_causal=True, dropout_p=1e-12)
    assert_close(composed.numpy(), fused.numpy(), dtype, "dropout path vs fused path")


# -- MultiheadAttention ----------------------------------------------------------------------

E, HEADS, L, S, N = 8, 2, 4, 5, 3


def _mha_inputs(rng, batch_first, batched, kdim, vdim, self_attention):
    def shaped(n, e):
        if not batched:
            return rng.standard_normal((n, e))
        return rng.standard_normal((N, n, e) if batch_first else (n, N, e))

    q = shaped(L, E)
    if self_attention:
        return q, q, q
    return q, shaped(S, kdim or E), shaped(S, vdim or E)


def run_mha(dtype, module_kw=None, batch_first=False, batched=True, self_attention=False,
            key_padding_mask=None, attn_mask=None, train=False, **forward_kw):
    module_kw = dict(module_kw or {})
    torch.manual_seed(0)
    t_mha = torch.nn.MultiheadAttention(E, HEADS, batch_first=batch_first, **module_kw)
    l_mha = nn.MultiheadAttention(E, HEADS, batch_first=batch_first, **module_kw)
    t_mha = t_mha.to(TORCH_DTYPE[dtype]).train(train)
    l_mha = l_mha.to(dtype).train(train)
    assert list(l_mha.state_dict()) == list(t_mha.state_dict()) or \
        sorted(l_mha.state_dict()) == sorted(t_mha.state_dict())
    copy_torch_weights(l_mha, t_mha)
    rng = np.random.default_rng(3)
    arrays = _mha_inputs(rng, batch_first, batched, module_kw.get("kdim"),
                         module_kw.get("vdim"), self_attention)
    if self_attention:
        tq, lq = _pair(arrays[0], dtype)
        t_in, l_in = [tq], [lq]
        t_args, l_args = (tq, tq, tq), (lq, lq, lq)
    else:
        pairs = [_pair(a, dtype) for a in arrays]
        t_in, l_in = [p[0] for p in pairs], [p[1] for p in pairs]
        t_args, l_args = tuple(t_in), tuple(l_in)
    t_kw, l_kw = dict(forward_kw), dict(forward_kw)
    for name, m in (("key_padding_mask", key_padding_mask), ("attn_mask", attn_mask)):
        if m is not None:
            t_kw[name], l_kw[name] = _pair(m, dtype, grad=False)
    t_out, t_w = t_mha(*t_args, **t_kw)
    l_out, l_w = l_mha(*l_args, **l_kw)
    t_outs, l_outs = [t_out], [l_out]
    if forward_kw.get("need_weights", True):
        t_outs.append(t_w)
        l_outs.append(l_w)
    else:
        assert l_w is None
    _backward_and_compare(t_outs, l_outs, t_in, l_in, dtype, t_mha, l_mha)


def _kpm(batched=True):
    m = np.zeros((N, S), bool)
    m[0, 3:] = True
    m[2, 1] = True
    return m if batched else m[0]


def _bool_attn_mask(rng, shape):
    m = rng.random(shape) > 0.6  # True = blocked (torch's MHA convention)
    m[..., 0] = False
    return m


MHA_GRID = list(itertools.product([False, True], [False, True], [False, True]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first,need_weights,average", MHA_GRID)
def test_mha_layouts_and_weights(batch_first, need_weights, average, dtype):
    run_mha(dtype, batch_first=batch_first, need_weights=need_weights,
            average_attn_weights=average)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask", ["kpm_bool", "kpm_float", "attn_bool", "attn_float",
                                  "attn_3d", "causal", "both_bool", "both_float"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_masks(mask, need_weights, dtype):
    rng = np.random.default_rng(4)
    kw = {}
    if mask.startswith("kpm") or mask.startswith("both"):
        kpm = _kpm()
        kw["key_padding_mask"] = kpm if "bool" in mask else np.where(kpm, -1e9, 0.5)
    if mask in ("attn_bool", "both_bool"):
        kw["attn_mask"] = _bool_attn_mask(rng, (L, S))
    elif mask in ("attn_float", "both_float"):
        kw["attn_mask"] = rng.standard_normal((L, S))
    elif mask == "attn_3d":
        kw["attn_mask"] = rng.standard_normal((N * HEADS, L, S))
    elif mask == "causal":
        kw["attn_mask"] = np.triu(np.ones((L, L), bool), 1)
        kw["is_causal"] = True
        run_mha(dtype, self_attention=True, need_weights=need_weights, **kw)
        return
    run_mha(dtype, need_weights=need_weights, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", [
    {"bias": False}, {"add_bias_kv": True}, {"add_zero_attn": True},
    {"add_bias_kv": True, "add_zero_attn": True}, {"kdim": 3, "vdim": 6},
    {"kdim": 3, "vdim": 6, "bias": False}])
@pytest.mark.parametrize("with_masks", [False, True])
def test_mha_options(options, with_masks, dtype):
    kw = {}
    if with_masks:
        kw = {"key_padding_mask": _kpm(),
              "attn_mask": _bool_attn_mask(np.random.default_rng(5), (L, S))}
    run_mha(dtype, options, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_self_attention_packed(batch_first, dtype):
    run_mha(dtype, batch_first=batch_first, self_attention=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_masks", [False, True])
@pytest.mark.parametrize("average", [False, True])
def test_mha_unbatched(with_masks, average, dtype):
    kw = {"average_attn_weights": average}
    if with_masks:
        kw["key_padding_mask"] = _kpm(batched=False)
        kw["attn_mask"] = _bool_attn_mask(np.random.default_rng(6), (L, S))
    run_mha(dtype, batched=False, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
def test_mha_dropout_in_eval_mode_is_off(dtype):
    run_mha(dtype, {"dropout": 0.5}, train=False, key_padding_mask=_kpm())
