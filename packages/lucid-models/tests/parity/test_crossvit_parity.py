"""CrossViT against timm (``crossvit_*_240``): identical state-dict keys, order and shapes,
equal parameter counts (every variant, on the meta devices), eval-mode logits within 1e-4.
CI: CrossViT-9 and 9-dagger at 48x48 with the large branch resized to 32x32 (the bicubic
resize path); zoo: the registered tiny and 9-dagger at 240x240."""

import pytest
import timm
import torch
import zoo_parity as zp

import lucid
from lucid import models
from lucid.models.crossvit import CrossViT

NAMES = ["tiny", "small", "base", "9", "15", "18", "9_dagger", "15_dagger", "18_dagger"]


@pytest.mark.parametrize("dagger", [False, True])
def test_small_crossvit_9_matches_timm(dagger):
    name = "crossvit_9_dagger_240" if dagger else "crossvit_9_240"
    ref = timm.create_model(name, img_size=48, img_scale=(1.0, 32 / 48))
    ours = CrossViT(img_size=48, img_scale=(1.0, 32 / 48), embed_dim=(128, 256),
                    num_heads=(4, 4), depth=((1, 3, 0),) * 3, mlp_ratio=(3, 3, 1),
                    multi_conv=dagger)
    zp.assert_same_outputs(ours, zp.randomise(ref), (2, 3, 48, 48))


@pytest.mark.parametrize("name", NAMES)
def test_parameter_count_equals_timm(name):
    with torch.device("meta"):
        ref = sum(p.numel() for p in timm.create_model(f"crossvit_{name}_240").parameters())
    with lucid.device("meta"):
        assert sum(p.numel() for p in models.create_model(f"crossvit_{name}").parameters()) == ref


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["tiny", "9_dagger"])
def test_matches_timm_zoo(name):
    zp.assert_same_outputs(models.create_model(f"crossvit_{name}"),
                           zp.randomise(timm.create_model(f"crossvit_{name}_240")),
                           (1, 3, 240, 240))
