"""ViT against timm (``vit_*_patch16_224``, ``vit_huge_patch14_224``): identical state-dict
keys, order and shapes, equal parameter counts, eval-mode logits within 1e-4. The CI case is
a 2-block ViT-Ti at 32x32; the zoo cases are the registered models at 224x224 (timm built
with the same image size)."""

import pytest
import timm
import torch
import zoo_parity as zp

import lucid
from lucid import models
from lucid.models.vit import VisionTransformer

TIMM = {"vit_tiny": "vit_tiny_patch16_224", "vit_small": "vit_small_patch16_224",
        "vit_base": "vit_base_patch16_224", "vit_large": "vit_large_patch16_224",
        "vit_huge": "vit_huge_patch14_224"}


def test_small_vit_tiny_matches_timm():
    ref = timm.create_model("vit_tiny_patch16_224", img_size=32, depth=2)
    ours = VisionTransformer(img_size=32, embed_dim=192, depth=2, num_heads=3)
    zp.assert_same_outputs(ours, zp.randomise(ref), (2, 3, 32, 32))


def meta_count(name: str) -> int:
    with lucid.device("meta"):
        return sum(p.numel() for p in models.create_model(name).parameters())


@pytest.mark.parametrize("name", list(TIMM))
def test_parameter_count_equals_timm(name):
    with torch.device("meta"):
        ref = timm.create_model(TIMM[name], num_classes=1000)
    assert meta_count(name) == sum(p.numel() for p in ref.parameters())


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["vit_tiny", "vit_small", "vit_base"])
def test_matches_timm_zoo(name):
    zp.assert_same_outputs(models.create_model(name),
                           zp.randomise(timm.create_model(TIMM[name])), (1, 3, 224, 224))
