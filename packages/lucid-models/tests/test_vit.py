"""ViT: registry names, parameter counts (timm's ``vit_*_patch16_224`` /
``vit_huge_patch14_224`` with 1000 classes) on the meta device, forward+backward on both
backends, input checks, and the shared attention against a NumPy softmax reference."""

import numpy as np
import pytest
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models.blocks.vit_attention import Attention
from lucid.models.vit import VisionTransformer

COUNTS = {"vit_tiny": 5_717_416, "vit_small": 22_050_664, "vit_base": 86_567_656,
          "vit_large": 304_326_632, "vit_huge": 632_045_800}


def test_registered_under_the_original_names():
    assert set(COUNTS) <= set(models.list_models("vit_*"))


@pytest.mark.parametrize("name", list(COUNTS))
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name) == (COUNTS[name], (2, 1000))


def test_forward_backward_small():
    check_train_step(VisionTransformer(img_size=32, patch_size=8, embed_dim=32, depth=2,
                                       num_heads=4, num_classes=10, drop_path_rate=0.1,
                                       drop_rate=0.1))


@pytest.mark.zoo
def test_forward_backward_vit_tiny():
    check_train_step(models.vit_tiny(num_classes=10), shape=(1, 3, 224, 224))


def test_wrong_image_size_is_a_shape_error():
    with pytest.raises(ShapeError, match="VisionTransformer"):
        VisionTransformer(img_size=32, patch_size=8, embed_dim=32, depth=1,
                          num_heads=4)(lucid.randn(1, 3, 64, 64))
    with pytest.raises(ValueError, match="patch_size"):
        VisionTransformer(img_size=30, patch_size=8)


def test_attention_matches_numpy():
    rng = np.random.default_rng(0)
    attn = Attention(8, num_heads=2).eval()
    x = rng.standard_normal((2, 5, 8)).astype(np.float32)
    w_qkv, b_qkv = attn.qkv.weight.numpy(), attn.qkv.bias.numpy()
    q, k, v = np.split(x @ w_qkv.T + b_qkv, 3, axis=-1)
    heads = [slice(0, 4), slice(4, 8)]
    out = []
    for h in heads:
        s = q[..., h] @ k[..., h].transpose(0, 2, 1) / 2.0
        p = np.exp(s - s.max(-1, keepdims=True))
        out.append(p / p.sum(-1, keepdims=True) @ v[..., h])
    ref = np.concatenate(out, -1) @ attn.proj.weight.numpy().T + attn.proj.bias.numpy()
    np.testing.assert_allclose(attn(lucid.tensor(x)).numpy(), ref, rtol=1e-4, atol=1e-5)
