"""ResNeXt, SE-ResNet/ResNeXt, SK-ResNet/ResNeXt and ResNeSt against torchvision and timm:
state dicts move by name (identical keys, order, shapes), parameter counts are equal,
eval-mode logits agree within 1e-4 on a random batch.

CI runs one small representative per family, built from the reference library's own
classes with one block per stage (same code paths as the full models: grouped bottleneck,
SE gate, selective kernel with and without input split, split attention with radix 1, 2
and 4, deep stem and average-pool shortcuts); every full model is marked ``zoo``.
"""

import pytest
import timm
import torch
import zoo_parity as zp
from timm.models import resnest as timm_resnest
from timm.models import resnet as timm_resnet
from timm.models import sknet as timm_sknet
from torchvision.models import resnet as tv_resnet

from lucid import models
from lucid.models.resnest import ResNeStBottleneck
from lucid.models.resnet import ResNet
from lucid.models.resnet_blocks import BasicBlock, Bottleneck
from lucid.models.senet import se_attention
from lucid.models.sknet import SKBasicBlock, SKBottleneck

TORCHVISION = {"resnext_50_32x4d": "resnext50_32x4d", "resnext_101_32x8d": "resnext101_32x8d",
               "resnext_101_64x4d": "resnext101_64x4d"}
TIMM = {"resnext_101_32x4d": "resnext101_32x4d", "resnext_101_32x16d": "resnext101_32x16d",
        "resnext_101_32x32d": "resnext101_32x32d",
        "se_resnet_18": "seresnet18", "se_resnet_34": "seresnet34", "se_resnet_50": "seresnet50",
        "se_resnet_101": "seresnet101", "se_resnet_152": "seresnet152",
        "se_resnext_50_32x4d": "seresnext50_32x4d", "se_resnext_101_32x4d": "seresnext101_32x4d",
        "se_resnext_101_32x8d": "seresnext101_32x8d",
        "se_resnext_101_64x4d": "seresnext101_64x4d",
        "sk_resnet_18": "skresnet18", "sk_resnet_34": "skresnet34", "sk_resnet_50": "skresnet50",
        "sk_resnext_50_32x4d": "skresnext50_32x4d",
        "resnest_14": "resnest14d", "resnest_26": "resnest26d", "resnest_50": "resnest50d",
        "resnest_101": "resnest101e", "resnest_200": "resnest200e", "resnest_269": "resnest269e",
        "resnest_50_4s2x40d": "resnest50d_4s2x40d", "resnest_50_1s4x24d": "resnest50d_1s4x24d"}
SMALL = (1, 1, 1, 1)


def test_small_resnext_matches_torchvision():
    torch.manual_seed(0)
    ref = zp.randomise(tv_resnet.ResNet(tv_resnet.Bottleneck, list(SMALL), num_classes=10,
                                        groups=8, width_per_group=4))
    ours = ResNet(Bottleneck, SMALL, num_classes=10, groups=8, base_width=4)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.parametrize("block,ref_block,extra", [
    (BasicBlock, timm_resnet.BasicBlock, {}),
    (Bottleneck, timm_resnet.Bottleneck, dict(groups=4, base_width=8)),
])
def test_small_se_networks_match_timm(block, ref_block, extra):
    torch.manual_seed(1)
    ref_extra = {"cardinality": extra["groups"], "base_width": extra["base_width"]} \
        if extra else {}
    ref = zp.randomise(timm_resnet.ResNet(ref_block, list(SMALL), num_classes=10,
                                          block_args=dict(attn_layer="se"), **ref_extra))
    ours = ResNet(block, SMALL, num_classes=10, attn=se_attention, **extra)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.parametrize("block,ref_block,sk,extra", [
    (SKBasicBlock, timm_sknet.SelectiveKernelBasic, dict(reduction=8, divisor=16), {}),
    (SKBottleneck, timm_sknet.SelectiveKernelBottleneck,
     dict(reduction=16, divisor=32, split_input=False), dict(groups=8, base_width=4)),
])
def test_small_sk_networks_match_timm(block, ref_block, sk, extra):
    torch.manual_seed(2)
    ref_sk = {"rd_ratio": 1 / sk["reduction"], "rd_divisor": sk["divisor"],
              "split_input": sk.get("split_input", True)}
    ref_extra = {"cardinality": extra["groups"], "base_width": extra["base_width"]} \
        if extra else {}
    ref = zp.randomise(timm_resnet.ResNet(ref_block, list(SMALL), num_classes=10,
                                          block_args=dict(sk_kwargs=ref_sk), **ref_extra))
    ours = ResNet(block, SMALL, num_classes=10, sk=sk, **extra)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.parametrize("radix,groups,base_width,avd_first", [(2, 1, 64, False),
                                                               (4, 2, 40, True),
                                                               (1, 4, 24, True)])
def test_small_resnest_matches_timm(radix, groups, base_width, avd_first):
    torch.manual_seed(3)
    ref = zp.randomise(timm_resnet.ResNet(
        timm_resnest.ResNestBottleneck, list(SMALL), num_classes=10, stem_type="deep",
        stem_width=16, avg_down=True, cardinality=groups, base_width=base_width,
        block_args=dict(radix=radix, avd=True, avd_first=avd_first)))
    ours = ResNet(ResNeStBottleneck, SMALL, num_classes=10, deep_stem=True, stem_width=16,
                  avg_down=True, groups=groups, base_width=base_width, radix=radix,
                  avd_first=avd_first)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.zoo
@pytest.mark.parametrize("name", list(TORCHVISION))
def test_zoo_model_matches_torchvision(name):
    torch.manual_seed(0)
    ref = zp.randomise(getattr(tv_resnet, TORCHVISION[name])())
    zp.assert_same_outputs(models.create_model(name), ref, (1, 3, 64, 64))


@pytest.mark.zoo
@pytest.mark.parametrize("name", list(TIMM))
def test_zoo_model_matches_timm(name):
    torch.manual_seed(0)
    ref = zp.randomise(timm.create_model(TIMM[name]))
    zp.assert_same_outputs(models.create_model(name), ref, (1, 3, 64, 64))
