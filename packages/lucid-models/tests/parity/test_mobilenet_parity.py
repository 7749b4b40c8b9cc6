"""MobileNet V2/V3 against torchvision, V1 and V4 against timm (``mobilenetv1_100``,
``mobilenetv4_*``): identical state-dict keys, order and shapes, equal parameter counts,
eval-mode logits within 1e-4 on a random batch (at 64x64 the hybrids' attention runs on
4x4 maps with 2x2 keys/values in the third stage and on 2x2 maps in the fourth)."""

import pytest
import zoo_parity as zp
from torchvision import models as tv
from zoo_scales import randomise_scales

from lucid import models

TORCHVISION = {"mobilenet_v2": "mobilenet_v2", "mobilenet_v3_small": "mobilenet_v3_small",
               "mobilenet_v3_large": "mobilenet_v3_large"}
TIMM = {"mobilenet": "mobilenetv1_100", "mobilenet_v4_conv_small": "mobilenetv4_conv_small",
        "mobilenet_v4_conv_medium": "mobilenetv4_conv_medium",
        "mobilenet_v4_conv_large": "mobilenetv4_conv_large",
        "mobilenet_v4_hybrid_medium": "mobilenetv4_hybrid_medium",
        "mobilenet_v4_hybrid_large": "mobilenetv4_hybrid_large"}
LIGHT = ["mobilenet_v2", "mobilenet_v3_small", "mobilenet", "mobilenet_v4_conv_small",
         "mobilenet_v4_hybrid_medium"]


def reference(name):
    if name in TORCHVISION:
        return getattr(tv, TORCHVISION[name])()
    import timm

    return timm.create_model(TIMM[name])


def _check(name, size):
    ref = zp.randomise(reference(name))
    if "hybrid" in name:  # layer scales start at 1e-5: make every branch count
        randomise_scales(ref)
    zp.assert_same_outputs(models.create_model(name), ref, (2, 3, size, size))


@pytest.mark.parametrize("name", LIGHT)
def test_logits_match_reference(name):
    _check(name, 64)


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in [*TORCHVISION, *TIMM] if n not in LIGHT])
def test_logits_match_reference_zoo(name):
    _check(name, 96)
