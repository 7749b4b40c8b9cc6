"""EfficientNet B0-B7 and V2 S/M/L against torchvision: identical state-dict keys, order and
shapes, equal parameter counts, eval-mode logits within 1e-4 on a random batch.

torchvision has no V2-XL: it is checked against torchvision's ``EfficientNet`` class built
from the paper code's XL stage table (google/automl ``efficientnetv2-xl``: fused stages
(1, 32, 4) (4, 64, 8) (4, 96, 8), MBConv stages (4, 192, 16) (6, 256, 24) (6, 512, 32)
(6, 640, 8), head 1280), and its parameter count against timm's ``tf_efficientnetv2_xl``.
"""

from functools import partial

import pytest
import torch
import zoo_parity as zp
from torchvision import models as tv
from torchvision.models.efficientnet import EfficientNet, FusedMBConvConfig, MBConvConfig

from lucid import models

B = [f"efficientnet_b{i}" for i in range(8)]
V2 = ["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"]
LIGHT = ["efficientnet_b0", "efficientnet_v2_s"]


def tv_model(name):
    return getattr(tv, name)()


@pytest.mark.parametrize("name", LIGHT)
def test_logits_match_torchvision(name):
    zp.assert_same_outputs(models.create_model(name), zp.randomise(tv_model(name)), (2, 3, 64, 64))


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in B + V2 if n not in LIGHT])
def test_logits_match_torchvision_zoo(name):
    zp.assert_same_outputs(models.create_model(name), zp.randomise(tv_model(name)), (1, 3, 96, 96))


def _tv_v2_xl():
    f, m = FusedMBConvConfig, partial(MBConvConfig, width_mult=1.0, depth_mult=1.0)
    setting = [f(1, 3, 1, 32, 32, 4), f(4, 3, 2, 32, 64, 8), f(4, 3, 2, 64, 96, 8),
               m(4, 3, 2, 96, 192, 16), m(6, 3, 1, 192, 256, 24), m(6, 3, 2, 256, 512, 32),
               m(6, 3, 1, 512, 640, 8)]
    return EfficientNet(setting, 0.4, last_channel=1280,
                        norm_layer=partial(torch.nn.BatchNorm2d, eps=1e-3))


@pytest.mark.zoo
def test_v2_xl_matches_torchvision_class_and_timm_count():
    import timm

    ours = models.efficientnet_v2_xl()
    timm_count = sum(p.numel() for p in timm.create_model("tf_efficientnetv2_xl").parameters())
    assert sum(p.numel() for p in ours.parameters()) == timm_count == 208_119_808
    zp.assert_same_outputs(ours, zp.randomise(_tv_v2_xl()), (1, 3, 64, 64))


@pytest.mark.zoo
def test_b7_layout_matches_torchvision():
    zp.assert_same_layout(models.efficientnet_b7(), tv_model("efficientnet_b7"))
