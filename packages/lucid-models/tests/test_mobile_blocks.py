"""The mobile blocks of ``lucid.models.blocks`` on both backends: UIB variants and strides,
multi-query attention against a NumPy transcription of its formula, residual rules, bad
strides."""

import numpy as np
import pytest

import lucid
from lucid import nn
from lucid.models.blocks import (
    EdgeResidual,
    FusedMBConv,
    InvertedResidual,
    LayerScale2d,
    MBConv,
    MobileAttention,
    MultiQueryAttention2d,
    UniversalInvertedBottleneck,
)


@pytest.mark.parametrize("a,k,present", [(3, 5, ("dw_start", "dw_mid")), (0, 3, ("dw_mid",)),
                                         (5, 0, ("dw_start",)), (0, 0, ())])
def test_uib_variants_and_stride_placement(a, k, present):
    block = UniversalInvertedBottleneck(16, 24, a, k, 2, 4.0)
    for name in ("dw_start", "dw_mid"):
        assert isinstance(getattr(block, name), nn.Identity) == (name not in present)
    if a and k:  # stride on the middle depthwise
        assert block.dw_start.conv.stride == (1, 1) and block.dw_mid.conv.stride == (2, 2)
    if a and not k:
        assert block.dw_start.conv.stride == (2, 2)
    assert block.pw_exp.conv.out_channels == 64 and not block.has_skip
    y = block(lucid.randn(2, 16, 8, 8))
    assert y.shape == ((2, 24, 4, 4) if (a or k) else (2, 24, 8, 8))


def test_residual_rules():
    assert UniversalInvertedBottleneck(16, 16, 3, 3, 1, 2.0).has_skip
    assert EdgeResidual(16, 16, 3, 1, 4.0).has_skip and not EdgeResidual(16, 16, 3, 2, 4).has_skip
    assert InvertedResidual(16, 16, 1, 6).use_res_connect
    assert not MBConv(16, 64, 24, 3, 1, nn.ReLU).use_res_connect
    assert FusedMBConv(16, 16, 16, 3, 1).use_res_connect


@pytest.mark.parametrize("cls,args", [(UniversalInvertedBottleneck, (8, 8, 3, 3, 3, 2.0)),
                                      (MBConv, (8, 16, 8, 3, 3, nn.ReLU)),
                                      (FusedMBConv, (8, 16, 8, 3, 3)),
                                      (InvertedResidual, (8, 8, 3, 6))])
def test_bad_stride_raises(cls, args):
    with pytest.raises(ValueError, match="stride must be 1 or 2"):
        cls(*args)


def test_multi_query_attention_matches_formula():
    rng = np.random.default_rng(0)
    n, c, h, w, heads, d = 2, 6, 3, 4, 2, 5
    attn = MultiQueryAttention2d(c, heads, d, kv_stride=1)
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    wq = attn.query.proj.weight.numpy()[:, :, 0, 0]      # (heads*d, c)
    wk = attn.key.proj.weight.numpy()[:, :, 0, 0]        # (d, c)
    wv = attn.value.proj.weight.numpy()[:, :, 0, 0]
    wo = attn.output.proj.weight.numpy()[:, :, 0, 0]     # (c, heads*d)
    tokens = x.reshape(n, c, h * w).transpose(0, 2, 1)   # (n, L, c)
    q = (tokens @ wq.T).reshape(n, h * w, heads, d).transpose(0, 2, 1, 3)  # (n, heads, L, d)
    k, v = tokens @ wk.T, tokens @ wv.T                  # shared by the heads: (n, L, d)
    logits = q @ k[:, None].transpose(0, 1, 3, 2) / np.sqrt(d)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = (p @ v[:, None]).transpose(0, 2, 1, 3).reshape(n, h * w, heads * d)
    want = (o @ wo.T).transpose(0, 2, 1).reshape(n, c, h, w)
    np.testing.assert_allclose(attn(lucid.tensor(x)).numpy(), want, rtol=1e-4, atol=1e-5)


def test_kv_downsampling_and_mobile_attention_gradients():
    block = MobileAttention(8, num_heads=2, key_dim=4, kv_stride=2, layer_scale=1e-5)
    assert block.attn.key.down_conv.stride == (2, 2) and block.layer_scale.gamma.shape == (8,)
    x = lucid.randn(2, 8, 6, 6, requires_grad=True)
    y = block(x)
    assert y.shape == x.shape
    y.sum().backward()
    assert x.grad.shape == x.shape and block.attn.key.down_conv.weight.grad is not None


def test_layer_scale_2d():
    scale = LayerScale2d(3, 0.5)
    x = lucid.randn(2, 3, 2, 2)
    np.testing.assert_allclose(scale(x).numpy(), 0.5 * x.numpy(), rtol=1e-6)


@pytest.mark.parametrize("make", [lambda p: MBConv(8, 16, 8, 3, 1, nn.ReLU, drop_path=p),
                                  lambda p: FusedMBConv(8, 16, 8, 3, 1, drop_path=p),
                                  lambda p: UniversalInvertedBottleneck(8, 8, 3, 3, 1, 2.0,
                                                                        drop_path=p)])
def test_stochastic_depth_drops_whole_samples_row_mode(make):
    """torchvision's ``StochasticDepth(mode="row")``: in training each sample's branch is
    either dropped (y = x) or kept and scaled by 1 / (1 - p)."""
    lucid.random.seed(3)
    block = make(0.5).train()
    x = lucid.randn(16, 8, 5, 5)
    out = block(x).numpy()
    branch_module = getattr(block, "block", None)
    if branch_module is not None:
        branch = branch_module(x).numpy()
    else:
        branch = block.pw_proj(block.dw_mid(block.pw_exp(block.dw_start(x)))).numpy()
    kept = [np.allclose(out[i], x.numpy()[i] + 2.0 * branch[i], atol=1e-5) for i in range(16)]
    dropped = [np.array_equal(out[i], x.numpy()[i]) for i in range(16)]
    assert all(k != d for k, d in zip(kept, dropped))
    assert 0 < sum(kept) < 16
    np.testing.assert_array_equal(make(1.0).train()(x).numpy(), x.numpy())
