"""PVT v2 against timm (``pvt_v2_*``): identical state-dict keys, order and shapes, equal
parameter counts (every variant, on the meta devices), eval-mode logits within 1e-4 (b0 and a
one-block-per-stage b2-li at 64x64 in CI; b1/b2 in the zoo run). PVT v1 has no reference
implementation: its counts are checked against the paper in ``test_pvt.py``."""

import pytest
import timm
import torch
import zoo_parity as zp

import lucid
from lucid import models
from lucid.models.pvt_v2 import PyramidVisionTransformerV2

NAMES = ["pvt_v2_b0", "pvt_v2_b1", "pvt_v2_b2", "pvt_v2_b2_li", "pvt_v2_b3", "pvt_v2_b4",
         "pvt_v2_b5"]


def test_b0_matches_timm():
    zp.assert_same_outputs(models.pvt_v2_b0(), zp.randomise(timm.create_model("pvt_v2_b0")),
                           (2, 3, 64, 64))


def test_small_linear_variant_matches_timm():
    ref = timm.create_model("pvt_v2_b2_li", depths=(1, 1, 1, 1))
    zp.assert_same_outputs(PyramidVisionTransformerV2(depths=(1, 1, 1, 1), linear=True),
                           zp.randomise(ref), (2, 3, 64, 64))


@pytest.mark.parametrize("name", NAMES)
def test_parameter_count_equals_timm(name):
    with torch.device("meta"):
        ref = sum(p.numel() for p in timm.create_model(name).parameters())
    with lucid.device("meta"):
        assert sum(p.numel() for p in models.create_model(name).parameters()) == ref


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["pvt_v2_b1", "pvt_v2_b2", "pvt_v2_b2_li"])
def test_matches_timm_zoo(name):
    zp.assert_same_outputs(models.create_model(name), zp.randomise(timm.create_model(name)),
                           (1, 3, 96, 96))
