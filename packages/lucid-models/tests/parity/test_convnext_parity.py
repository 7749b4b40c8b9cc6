"""ConvNeXt against torchvision (tiny..large; xlarge against torchvision's ``ConvNeXt``
class with the paper's XL widths 256-2048 and depths 3-3-27-3, its count against timm's
``convnext_xlarge``) and ConvNeXt V2 against timm (``convnextv2_*``): identical state-dict
keys, order and shapes, equal parameter counts, eval-mode logits within 1e-4.

Layer scales and GRN parameters are set to random O(1) values first (``zoo_scales``), so
every residual branch counts in the comparison.
"""

import pytest
import timm
import zoo_parity as zp
from torchvision import models as tv
from torchvision.models.convnext import CNBlockConfig
from torchvision.models.convnext import ConvNeXt as TvConvNeXt
from zoo_scales import randomise_scales

from lucid import models
from lucid.models.convnext import ConvNeXt

V1 = ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]
V2 = {"convnext_v2_atto": "convnextv2_atto", "convnext_v2_femto": "convnextv2_femto",
      "convnext_v2_pico": "convnextv2_pico", "convnext_v2_nano": "convnextv2_nano",
      "convnext_v2_tiny": "convnextv2_tiny", "convnext_v2_base": "convnextv2_base",
      "convnext_v2_large": "convnextv2_large", "convnext_v2_huge": "convnextv2_huge"}


def _tv_class(dims, depths):
    cfg = [CNBlockConfig(d, dims[i + 1] if i + 1 < len(dims) else None, n)
           for i, (d, n) in enumerate(zip(dims, depths))]
    return TvConvNeXt(cfg)


def _check(ours, ref, size=64):
    zp.assert_same_outputs(ours, randomise_scales(zp.randomise(ref)), (2, 3, size, size))


def test_small_v1_matches_torchvision_class():
    dims, depths = (16, 32, 64, 128), (1, 1, 2, 1)
    _check(ConvNeXt(dims, depths), _tv_class(dims, depths))


def test_v2_atto_matches_timm():
    _check(models.convnext_v2_atto(), timm.create_model("convnextv2_atto"))


@pytest.mark.zoo
@pytest.mark.parametrize("name", V1)
def test_v1_matches_torchvision_zoo(name):
    _check(models.create_model(name), getattr(tv, name)())


@pytest.mark.zoo
def test_xlarge_matches_torchvision_class_and_timm_count():
    ours = models.convnext_xlarge()
    assert sum(p.numel() for p in ours.parameters()) == \
        sum(p.numel() for p in timm.create_model("convnext_xlarge").parameters())
    _check(ours, _tv_class((256, 512, 1024, 2048), (3, 3, 27, 3)), size=32)


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in V2 if n != "convnext_v2_atto"])
def test_v2_matches_timm_zoo(name):
    _check(models.create_model(name), timm.create_model(V2[name]), size=32)
