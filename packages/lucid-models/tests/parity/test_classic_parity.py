"""AlexNet, VGG and DenseNet against torchvision (DenseNet-264, which torchvision lacks,
against timm's ``DenseNet`` class at the paper's Table 1 configuration): state dicts move by
name, parameter counts are equal, eval-mode logits agree within 1e-4.

CI compares the convolutional ``features`` of AlexNet and of VGG-11 with batch norm (the
classifiers hold 50M-120M parameters, slow to build on a shared CI core) and a small
DenseNet built from torchvision's own class; the full models are marked ``zoo``.
"""

import pytest
import torch
import zoo_parity as zp
from timm.models.densenet import DenseNet as TimmDenseNet
from torchvision import models as tv_models
from torchvision.models import densenet as tv_densenet
from torchvision.models import vgg as tv_vgg

from lucid import models
from lucid.models.alexnet import make_features as alexnet_features
from lucid.models.densenet import DenseNet
from lucid.models.vgg import CONFIGS, make_features

REFERENCES = {
    "alexnet": tv_models.alexnet,
    "vggnet_11": tv_vgg.vgg11, "vggnet_13": tv_vgg.vgg13, "vggnet_16": tv_vgg.vgg16,
    "vggnet_19": tv_vgg.vgg19,
    "densenet_121": tv_densenet.densenet121, "densenet_169": tv_densenet.densenet169,
    "densenet_201": tv_densenet.densenet201,
    "densenet_264": lambda: TimmDenseNet(growth_rate=32, block_config=(6, 12, 64, 48)),
}


def test_alexnet_features_match_torchvision():
    torch.manual_seed(0)
    ref = zp.randomise(tv_models.AlexNet(num_classes=10).features)
    zp.assert_same_outputs(alexnet_features(), ref, (2, 3, 64, 64))


def test_vgg_11_batch_norm_features_match_torchvision():
    torch.manual_seed(1)
    ref = zp.randomise(tv_vgg.make_layers(tv_vgg.cfgs["A"], batch_norm=True))
    zp.assert_same_outputs(make_features(CONFIGS[11], batch_norm=True), ref, (2, 3, 32, 32))


def test_small_densenet_matches_torchvision():
    torch.manual_seed(2)
    ref = zp.randomise(tv_densenet.DenseNet(growth_rate=8, block_config=(1, 2, 2, 1),
                                            num_init_features=16, num_classes=10))
    ours = DenseNet((1, 2, 2, 1), growth_rate=8, num_init_features=16, num_classes=10)
    zp.assert_same_outputs(ours, ref, (2, 3, 48, 48))


@pytest.mark.zoo
@pytest.mark.parametrize("name", list(REFERENCES))
def test_zoo_model_matches_reference(name):
    torch.manual_seed(0)
    ref = zp.randomise(REFERENCES[name]())
    size = 32 if name.startswith("vgg") else 64
    zp.assert_same_outputs(models.create_model(name), ref, (1, 3, size, size))
