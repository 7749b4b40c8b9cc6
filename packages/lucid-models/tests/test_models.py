"""The model registry, parameter counts, CIFAR-stem shapes and state-dict key names.

Reference parameter counts: LeNet-5 by hand (below), ResNets from torchvision's
documentation (1000 classes), which ``tests/parity`` also checks against torchvision itself.
"""

import numpy as np
import pytest

import lucid
from lucid import models, nn
from lucid.models import registry

RESNET_PARAMS = {"resnet_18": 11_689_512, "resnet_34": 21_797_672, "resnet_50": 25_557_032,
                 "resnet_101": 44_549_160, "resnet_152": 60_192_808}


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


# -- registry -------------------------------------------------------------------------------
def test_list_models_has_the_zoo_sorted():
    names = models.list_models()
    assert names == sorted(names)
    for name in ["lenet_1", "lenet_4", "lenet_5", *RESNET_PARAMS]:
        assert name in names
    assert models.list_models("lenet_*") == ["lenet_1", "lenet_4", "lenet_5"]
    assert models.list_models("resnet_1??") == ["resnet_101", "resnet_152"]


def test_create_model_passes_options():
    model = models.create_model("lenet_5", num_classes=3)
    assert isinstance(model, models.LeNet)
    assert model.classifier[-1].weight.shape == (3, 84)
    assert models.get_model_factory("resnet_18") is models.resnet_18


def test_unknown_model_error_lists_available():
    with pytest.raises(KeyError) as info:
        models.create_model("resnet_17")
    message = str(info.value)
    assert "resnet_17" in message and "resnet_18" in message and "lenet_5" in message


def test_register_model_decorator_forms_and_duplicates():
    try:
        @models.register_model
        def tiny_test_net(num_classes=10, weights=None):
            return nn.Linear(4, num_classes)

        @models.register_model(name="tiny_test_net_named")
        def some_factory(num_classes=10, weights=None):
            return nn.Linear(2, num_classes)

        assert "tiny_test_net" in models.list_models()
        assert models.create_model("tiny_test_net", num_classes=5).weight.shape == (5, 4)
        assert models.create_model("tiny_test_net_named").weight.shape == (10, 2)
        with pytest.raises(ValueError, match="already registered"):
            models.register_model(tiny_test_net)
    finally:
        registry._MODELS.pop("tiny_test_net", None)
        registry._MODELS.pop("tiny_test_net_named", None)
    assert "tiny_test_net" not in models.list_models()


# -- parameter counts -----------------------------------------------------------------------
def test_lenet_5_parameter_count():
    # conv 1->6 5x5: 156, conv 6->16 5x5: 2416, 256->120: 30840, 120->84: 10164, 84->10: 850
    assert n_params(models.lenet_5()) == 156 + 2416 + 30840 + 10164 + 850 == 44_426


def test_lenet_1_and_4_parameter_counts():
    # LeNet-1: 1->4 (104), 4->12 (1212), 192->10 (1930)
    assert n_params(models.lenet_1()) == 104 + 1212 + 1930
    # LeNet-4: 1->4 (104), 4->16 (1616), 256->120 (30840), 120->10 (1210)
    assert n_params(models.lenet_4()) == 104 + 1616 + 30840 + 1210


@pytest.mark.parametrize("name", list(RESNET_PARAMS))
def test_resnet_parameter_counts_match_torchvision(name):
    assert n_params(models.create_model(name)) == RESNET_PARAMS[name]


# -- shapes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("factory", [models.lenet_1, models.lenet_4, models.lenet_5])
def test_lenet_output_shape(factory):
    x = lucid.randn(3, 1, 28, 28)
    assert factory()(x).shape == (3, 10)


@pytest.mark.parametrize("name,channels", [("resnet_18", 3), ("resnet_50", 1)])
def test_cifar_stem_keeps_resolution(name, channels):
    model = models.create_model(name, num_classes=10, cifar_stem=True, in_channels=channels)
    model.eval()
    x = lucid.randn(2, channels, 32, 32)
    stem = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    assert stem.shape == (2, 64, 32, 32)  # 3x3 stride 1, no max-pool
    assert model.layer1(stem).shape[-2:] == (32, 32)
    assert model.conv1.weight.shape == (64, channels, 3, 3)
    with lucid.no_grad():
        assert model(x).shape == (2, 10)


def test_imagenet_stem_downsamples_by_four():
    model = models.resnet_18(num_classes=7)
    model.eval()
    x = lucid.randn(1, 3, 64, 64)
    stem = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    assert stem.shape == (1, 64, 16, 16)
    with lucid.no_grad():
        assert model(x).shape == (1, 7)


def test_cifar_resnet_on_28x28_gray():
    model = models.resnet_18(num_classes=10, cifar_stem=True, in_channels=1)
    model.eval()
    with lucid.no_grad():
        assert model(lucid.randn(2, 1, 28, 28)).shape == (2, 10)


# -- state-dict key names -------------------------------------------------------------------
def test_lenet_5_state_dict_keys():
    assert list(models.lenet_5().state_dict()) == [
        "features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
        "classifier.0.weight", "classifier.0.bias", "classifier.2.weight",
        "classifier.2.bias", "classifier.4.weight", "classifier.4.bias"]


def test_resnet_18_state_dict_keys_follow_torchvision():
    state = models.resnet_18().state_dict()
    bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    head = ["conv1.weight", *[f"bn1.{k}" for k in bn]]
    block = ["conv1.weight", *[f"bn1.{k}" for k in bn], "conv2.weight",
             *[f"bn2.{k}" for k in bn]]
    assert list(state)[:len(head)] == head
    assert [k for k in state if k.startswith("layer1.0.")] == [f"layer1.0.{k}" for k in block]
    assert "layer2.0.downsample.0.weight" in state and "layer2.0.downsample.1.running_var" in state
    assert "layer1.0.downsample.0.weight" not in state
    assert list(state)[-2:] == ["fc.weight", "fc.bias"]
    assert len(state) == 122  # torchvision's resnet18 state dict has 122 entries
    assert state["fc.weight"].shape == (1000, 512)


def test_resnet_50_bottleneck_keys_and_shapes():
    state = models.resnet_50().state_dict()
    assert len(state) == 320  # as torchvision's resnet50
    assert state["layer1.0.conv1.weight"].shape == (64, 64, 1, 1)
    assert state["layer1.0.conv2.weight"].shape == (64, 64, 3, 3)
    assert state["layer1.0.conv3.weight"].shape == (256, 64, 1, 1)
    assert state["layer2.0.conv2.weight"].shape == (128, 128, 3, 3)  # stride on the 3x3
    assert state["layer1.0.downsample.0.weight"].shape == (256, 64, 1, 1)
    assert state["fc.weight"].shape == (1000, 2048)


def test_resnet_initialisation():
    model = models.resnet_18(zero_init_residual=True)
    assert np.all(model.layer1[0].bn2.weight.numpy() == 0)
    assert np.all(model.bn1.weight.numpy() == 1) and np.all(model.bn1.bias.numpy() == 0)
    w = model.layer4[0].conv2.weight.numpy()  # kaiming normal, fan_out = 512 * 9
    assert abs(w.std() - np.sqrt(2 / (512 * 9))) < 0.05 * np.sqrt(2 / (512 * 9))
