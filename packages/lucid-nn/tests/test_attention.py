"""scaled_dot_product_attention, ScaledDotProductAttention and MultiheadAttention against
NumPy written out by hand: masks (boolean True = attend for SDPA, True = blocked for MHA;
additive float), causal, scale, dropout, padding, weights, state-dict keys, init, errors,
finite-difference gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F
from lucid.errors import ShapeError


def arr(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def t(a, requires_grad=False, dtype="float32"):
    return lucid.tensor(np.asarray(a).astype(dtype), requires_grad=requires_grad)


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_attention(q, k, v, additive=None, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if additive is not None:
        s = s + additive
    return np_softmax(s) @ v


# -- the function ------------------------------------------------------------------------

def test_sdpa_by_hand():
    q, k, v = arr(2, 3, 4), arr(2, 5, 4, seed=1), arr(2, 5, 6, seed=2)
    out = F.scaled_dot_product_attention(t(q), t(k), t(v))
    assert out.shape == (2, 3, 6)
    np.testing.assert_allclose(out.numpy(), np_attention(q, k, v), rtol=1e-5, atol=1e-6)
    out = F.scaled_dot_product_attention(t(q), t(k), t(v), scale=0.1)
    np.testing.assert_allclose(out.numpy(), np_attention(q, k, v, scale=0.1), rtol=1e-5,
                               atol=1e-6)


def test_sdpa_boolean_mask_true_means_attend():
    q, k, v = arr(3, 4), arr(5, 4, seed=1), arr(5, 2, seed=2)
    keep = np.array([[1, 0, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]], bool)
    out = F.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=lucid.tensor(keep))
    want = np_attention(q, k, v, np.where(keep, 0.0, -np.inf))
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy()[2], v[4], rtol=1e-5)  # only key 4 is visible


def test_sdpa_float_mask_is_added():
    q, k, v = arr(2, 3, 4), arr(2, 5, 4, seed=1), arr(2, 5, 2, seed=2)
    m = arr(3, 5, seed=3)
    out = F.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=t(m))
    np.testing.assert_allclose(out.numpy(), np_attention(q, k, v, m), rtol=1e-5, atol=1e-6)


def test_sdpa_causal():
    q, k, v = arr(4, 3), arr(4, 3, seed=1), arr(4, 2, seed=2)
    out = F.scaled_dot_product_attention(t(q), t(k), t(v), is_causal=True)
    want = np_attention(q, k, v, np.triu(np.full((4, 4), -np.inf), 1))
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy()[0], v[0], rtol=1e-6)  # first query sees key 0


def test_sdpa_fully_masked_row_gives_zeros_and_finite_gradients():
    q = t(arr(3, 4), requires_grad=True)
    k = t(arr(5, 4, seed=1), requires_grad=True)
    keep = np.ones((3, 5), bool)
    keep[1] = False
    out = F.scaled_dot_product_attention(q, k, k, attn_mask=lucid.tensor(keep))
    np.testing.assert_array_equal(out.numpy()[1], 0.0)
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all() and np.isfinite(k.grad.numpy()).all()
    np.testing.assert_array_equal(q.grad.numpy()[1], 0.0)


def test_sdpa_dropout():
    q, k, v = t(arr(8, 4)), t(arr(8, 4, seed=1)), t(arr(8, 4, seed=2))
    np.testing.assert_array_equal(
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy(), 0.0)
    lucid.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy()
    assert not np.allclose(a, F.scaled_dot_product_attention(q, k, v).numpy())
    layer = nn.ScaledDotProductAttention(dropout=0.5)
    layer.eval()
    np.testing.assert_allclose(layer(q, k, v).numpy(),
                               F.scaled_dot_product_attention(q, k, v).numpy(), rtol=1e-6)
    layer.train()
    assert not np.allclose(layer(q, k, v).numpy(), layer.eval()(q, k, v).numpy())


def test_sdpa_errors():
    q = t(arr(2, 3, 4))
    with pytest.raises(ShapeError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, t(arr(2, 5, 3)), t(arr(2, 5, 3)))
    with pytest.raises(ShapeError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(q, t(arr(2, 5, 4)), t(arr(2, 6, 4)))
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=t(arr(3, 3)), is_causal=True)
    with pytest.raises(ShapeError, match="heads"):
        F.scaled_dot_product_attention(t(arr(1, 3, 2, 4)), t(arr(1, 2, 2, 4)),
                                       t(arr(1, 2, 2, 4)), enable_gqa=True)


def test_sdpa_gradient_against_finite_differences():
    rng = np.random.default_rng(0)
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), \
        rng.standard_normal((2, 5, 3))
    mask = rng.random((3, 5)) > 0.3
    mask[:, 0] = True
    r = rng.standard_normal((2, 3, 3))

    def f(qa, ka, va):
        out = F.scaled_dot_product_attention(t(qa, dtype="float64"), t(ka, dtype="float64"),
                                             t(va, dtype="float64"),
                                             attn_mask=lucid.tensor(mask))
        return float((out * t(r, dtype="float64")).sum().item())

    tq, tk, tv = (t(a, True, "float64") for a in (q, k, v))
    out = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=lucid.tensor(mask))
    (out * t(r, dtype="float64")).sum().backward()
    eps = 1e-6
    for which, grad in ((0, tq.grad.numpy()), (1, tk.grad.numpy()), (2, tv.grad.numpy())):
        base = [q, k, v]
        for idx in np.ndindex(*base[which].shape[:1], 2, 2):
            plus = [a.copy() for a in base]
            minus = [a.copy() for a in base]
            plus[which][idx] += eps
            minus[which][idx] -= eps
            fd = (f(*plus) - f(*minus)) / (2 * eps)
            assert abs(fd - grad[idx]) < 1e-6, (which, idx, fd, grad[idx])


# -- MultiheadAttention ------------------------------------------------------------------

def test_mha_parameters_and_init():
    mha = nn.MultiheadAttention(12, 3)
    assert {k: v.shape for k, v in mha.state_dict().items()} == {
        "in_proj_weight": (36, 12), "in_proj_bias": (36,), "out_proj.weight": (12, 12),
        "out_proj.bias": (12,)}
    np.testing.assert_array_equal(mha.in_proj_bias.numpy(), 0.0)
    np.testing.assert_array_equal(mha.out_proj.bias.numpy(), 0.0)
    bound = math.sqrt(6 / (12 + 36))  # xavier_uniform_ on (3E, E)
    w = mha.in_proj_weight.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert mha.head_dim == 4
    sep = nn.MultiheadAttention(12, 3, kdim=5, vdim=7, bias=False, add_bias_kv=True)
    assert {k: v.shape for k, v in sep.state_dict().items()} == {
        "q_proj_weight": (12, 12), "k_proj_weight": (12, 5), "v_proj_weight": (12, 7),
        "bias_k": (1, 1, 12), "bias_v": (1, 1, 12), "out_proj.weight": (12, 12)}
    assert sep.in_proj_weight is None and sep.in_proj_bias is None


def np_mha(mha, q, k, v, additive=None):
    """Multi-head attention for ``(L, N, E)`` inputs, written out in NumPy."""
    p = {name: val.numpy().astype(np.float64) for name, val in mha.state_dict().items()}
    e, h = mha.embed_dim, mha.num_heads
    d = e // h
    w_q, w_k, w_v = np.split(p["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(p["in_proj_bias"], 3)
    qp, kp, vp = q @ w_q.T + b_q, k @ w_k.T + b_k, v @ w_v.T + b_v
    n = q.shape[1]
    out = np.zeros_like(qp)
    weights = np.zeros((n, h, q.shape[0], k.shape[0]))
    for b in range(n):
        for head in range(h):
            cols = slice(head * d, (head + 1) * d)
            s = qp[:, b, cols] @ kp[:, b, cols].T / math.sqrt(d)
            if additive is not None:
                s = s + additive[b]
            a = np_softmax(s)
            weights[b, head] = a
            out[:, b, cols] = a @ vp[:, b, cols]
    return out @ p["out_proj.weight"].T + p["out_proj.bias"], weights


def test_mha_by_hand_with_masks():
    lucid.manual_seed(0)
    mha = nn.MultiheadAttention(6, 2)
    with lucid.no_grad():
        mha.in_proj_bias._assign(t(arr(18, seed=9) * 0.1))
    q, k, v = arr(3, 2, 6), arr(4, 2, 6, seed=1), arr(4, 2, 6, seed=2)
    kpm = np.array([[False, False, True, False], [False, False, False, True]])
    blocked = np.zeros((3, 4), bool)
    blocked[0, 1] = True
    additive = np.where(kpm[:, None, :] | blocked[None], -np.inf, 0.0)
    want, want_w = np_mha(mha, q, k, v, additive)
    out, w = mha(t(q), t(k), t(v), key_padding_mask=lucid.tensor(kpm),
                 attn_mask=lucid.tensor(blocked), average_attn_weights=False)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w.numpy(), want_w, rtol=1e-5, atol=1e-6)
    assert w.numpy()[0, :, :, 2].max() == 0.0 and w.numpy()[0, :, 0, 1].max() == 0.0
    _, w_avg = mha(t(q), t(k), t(v), key_padding_mask=lucid.tensor(kpm),
                   attn_mask=lucid.tensor(blocked))
    np.testing.assert_allclose(w_avg.numpy(), want_w.mean(1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w_avg.numpy().sum(-1), 1.0, rtol=1e-5)
    # a float mask is added as it is
    m = arr(3, 4, seed=5)
    out, _ = mha(t(q), t(k), t(v), attn_mask=t(m))
    np.testing.assert_allclose(out.numpy(), np_mha(mha, q, k, v, np.stack([m, m]))[0],
                               rtol=1e-5, atol=1e-6)


def test_mha_padded_key_has_no_influence():
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    q, k = arr(2, 3, 8), arr(2, 5, 8, seed=1)
    kpm = lucid.tensor(np.array([[False] * 4 + [True], [False] * 5]))
    out1, _ = mha(t(q), t(k), t(k), key_padding_mask=kpm)
    k2 = k.copy()
    k2[0, 4] = 100.0
    out2, _ = mha(t(q), t(k2), t(k2), key_padding_mask=kpm)
    np.testing.assert_allclose(out1.numpy()[0], out2.numpy()[0], rtol=1e-5, atol=1e-6)


def test_mha_layouts():
    mha = nn.MultiheadAttention(8, 4)
    x = t(arr(5, 2, 8))
    out, w = mha(x, x, x)
    assert out.shape == (5, 2, 8) and w.shape == (2, 5, 5)
    out, w = mha(x, x, x, need_weights=False)
    assert w is None
    out_u, w_u = mha(x[:, 0], x[:, 0], x[:, 0], average_attn_weights=False)  # unbatched
    assert out_u.shape == (5, 8) and w_u.shape == (4, 5, 5)
    np.testing.assert_allclose(out_u.numpy(), mha(x, x, x)[0].numpy()[:, 0], rtol=1e-5,
                               atol=1e-6)
    bf = nn.MultiheadAttention(8, 4, batch_first=True)
    bf.load_state_dict(mha.state_dict())
    xb = x.transpose(0, 1)
    np.testing.assert_allclose(bf(xb, xb, xb)[0].numpy(),
                               mha(x, x, x)[0].numpy().transpose(1, 0, 2), rtol=1e-5,
                               atol=1e-6)
    extra = nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True)
    out, w = extra(x, x, x)
    assert out.shape == (5, 2, 8) and w.shape == (2, 5, 7)  # 5 keys + bias_k + zero


def test_mha_dropout_only_in_training():
    lucid.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, dropout=0.5)
    x = t(arr(5, 2, 8))
    a = mha(x, x, x)[0].numpy()
    mha.eval()
    b = mha(x, x, x)[0].numpy()
    np.testing.assert_array_equal(b, mha(x, x, x)[0].numpy())
    assert not np.allclose(a, b)


def test_mha_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(10, 3)
    mha = nn.MultiheadAttention(8, 2)
    x = t(arr(5, 2, 8))
    with pytest.raises(ShapeError, match="embed_dim"):
        mha(t(arr(5, 2, 6)), x, x)
    with pytest.raises(ShapeError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=lucid.tensor(np.zeros((2, 4), bool)))
    with pytest.raises(ShapeError, match="attn_mask"):
        mha(x, x, x, attn_mask=lucid.tensor(np.zeros((5, 4), bool)))
    with pytest.raises(ValueError, match="is_causal"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(ShapeError):
        mha(x, t(arr(4, 3, 8)), t(arr(4, 3, 8)))
