"""EfficientFormer against timm (``efficientformer_l1/l3/l7``): identical state-dict keys,
order and shapes (including the ``attention_bias_idxs`` buffers), equal parameter counts,
eval-mode logits within 1e-4 at 224x224 (the attention bias grid is fixed at 7x7).

Layer scales (1e-5 at init) and the attention biases (zero at init) are set to random O(1)
values first, so every branch and the bias lookup count in the comparison.
"""

import pytest
import timm
import torch
import zoo_parity as zp
from timm.models.efficientformer import EfficientFormer as TimmEfficientFormer
from zoo_scales import randomise_scales

from lucid import models
from lucid.models.efficientformer import EfficientFormer


def _randomise_biases(model, seed=2):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("attention_biases"):
                p.copy_(torch.randn(p.shape, generator=gen))
    return model


def _check(ours, ref):
    ref = _randomise_biases(randomise_scales(zp.randomise(ref)))
    zp.assert_same_outputs(ours, ref, (2, 3, 224, 224))


def test_small_config_matches_timm_class():
    widths, depths = (16, 16, 32, 64), (1, 1, 1, 3)
    _check(EfficientFormer(widths, depths, num_vit=2, num_classes=10),
           TimmEfficientFormer(depths=depths, embed_dims=widths, num_vit=2, num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["efficientformer_l1", "efficientformer_l3",
                                  "efficientformer_l7"])
def test_matches_timm(name):
    _check(models.create_model(name), timm.create_model(name))
