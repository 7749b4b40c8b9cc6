"""ResNet family (ResNet-18..269, Wide ResNet-50/101) against torchvision and timm: state
dicts move by name, parameter counts are equal, eval-mode logits agree within 1e-4.

CI runs a small representative (a one-block-per-stage wide bottleneck network against
torchvision's own ``ResNet`` class with ``width_per_group=128``, and the deep-stem /
average-pool-shortcut skeleton against timm's); the full models are marked ``zoo``.
"""

import pytest
import torch
import zoo_parity as zp
from timm.models import resnet as timm_resnet
from torchvision.models import resnet as tv_resnet

from lucid import models
from lucid.models.resnet import ResNet
from lucid.models.resnet_blocks import BasicBlock, Bottleneck

REFERENCES = {
    "resnet_18": lambda: tv_resnet.resnet18(),
    "resnet_34": lambda: tv_resnet.resnet34(),
    "resnet_50": lambda: tv_resnet.resnet50(),
    "resnet_101": lambda: tv_resnet.resnet101(),
    "resnet_152": lambda: tv_resnet.resnet152(),
    "resnet_200": lambda: timm_resnet.resnet200(),
    # no library has a plain ResNet-269: timm's ResNet class at that depth
    "resnet_269": lambda: timm_resnet.ResNet(timm_resnet.Bottleneck, [3, 30, 48, 8]),
    "wide_resnet_50": lambda: tv_resnet.wide_resnet50_2(),
    "wide_resnet_101": lambda: tv_resnet.wide_resnet101_2(),
}


def test_small_wide_bottleneck_network_matches_torchvision():
    torch.manual_seed(0)
    ref = zp.randomise(tv_resnet.ResNet(tv_resnet.Bottleneck, [1, 1, 1, 1], num_classes=10,
                                        width_per_group=128))
    ours = ResNet(Bottleneck, (1, 1, 1, 1), num_classes=10, base_width=128)
    zp.assert_same_outputs(ours, ref, (2, 3, 64, 64))


def test_small_deep_stem_avg_down_network_matches_timm():
    torch.manual_seed(1)
    ref = zp.randomise(timm_resnet.ResNet(timm_resnet.BasicBlock, [1, 1, 1, 1], num_classes=10,
                                          stem_type="deep", stem_width=16, avg_down=True))
    ours = ResNet(BasicBlock, (1, 1, 1, 1), num_classes=10, deep_stem=True, stem_width=16,
                  avg_down=True)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.zoo
@pytest.mark.parametrize("name", list(REFERENCES))
def test_zoo_model_matches_reference(name):
    torch.manual_seed(0)
    ref = zp.randomise(REFERENCES[name]())
    zp.assert_same_outputs(models.create_model(name), ref, (1, 3, 64, 64))
