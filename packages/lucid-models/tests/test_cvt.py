"""CvT: registry names, parameter counts against the paper (Wu et al. 2021, Table 2: 20M,
32M, 277M; no timm/torchvision model exists) on the meta device, forward+backward on both
backends, and the convolutional-projection attention against the same computation written
with PyTorch primitives (the class token joins q, k, v after the projection convolutions)."""

import numpy as np
import pytest
import torch
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.models.cvt import ConvAttention, CvT

PAPER = {"cvt_13": 20e6, "cvt_21": 32e6, "cvt_w24": 277e6}


def test_registered_under_the_original_names():
    assert set(PAPER) <= set(models.list_models("cvt*"))


@pytest.mark.parametrize("name", list(PAPER))
def test_counts_match_the_paper(name):
    count, shape = meta_params_and_output(name)
    assert shape == (2, 1000) and abs(count - PAPER[name]) <= 0.5e6


def test_forward_backward_small():
    check_train_step(CvT(dims=(8, 16, 24), num_heads=(1, 2, 3), depths=(1, 1, 1),
                         num_classes=10, drop_path_rate=0.1))


@pytest.mark.zoo
def test_forward_backward_cvt_13():
    check_train_step(models.cvt_13(num_classes=10), shape=(1, 3, 64, 64))


def test_conv_attention_matches_torch():
    rng = np.random.default_rng(0)
    attn = ConvAttention(8, num_heads=2)
    for p in attn.parameters():                       # random BN affine too
        p.data = lucid.tensor(rng.standard_normal(p.shape).astype(np.float32) * 0.5)
    attn.eval()
    x = rng.standard_normal((2, 1 + 16, 8)).astype(np.float32)
    w = {k: torch.from_numpy(v.numpy()) for k, v in attn.state_dict().items()}
    t = torch.from_numpy(x)
    grid = t[:, 1:].transpose(1, 2).reshape(2, 8, 4, 4)

    def proj(name, stride):
        y = torch.nn.functional.conv2d(grid, w[f"conv_proj_{name}.conv.weight"], stride=stride,
                                       padding=1, groups=8)
        y = torch.nn.functional.batch_norm(
            y, w[f"conv_proj_{name}.bn.running_mean"], w[f"conv_proj_{name}.bn.running_var"],
            w[f"conv_proj_{name}.bn.weight"], w[f"conv_proj_{name}.bn.bias"], eps=1e-5)
        y = torch.cat([t[:, :1], y.flatten(2).transpose(1, 2)], 1)
        y = torch.nn.functional.linear(y, w[f"proj_{name}.weight"], w[f"proj_{name}.bias"])
        return y.reshape(2, -1, 2, 4).transpose(1, 2)

    out = torch.nn.functional.scaled_dot_product_attention(proj("q", 1), proj("k", 2),
                                                           proj("v", 2))
    ref = torch.nn.functional.linear(out.transpose(1, 2).reshape(2, 17, 8), w["proj.weight"],
                                     w["proj.bias"]).numpy()
    np.testing.assert_allclose(attn(lucid.tensor(x), (4, 4), 1).numpy(), ref, rtol=1e-4,
                               atol=1e-5)
