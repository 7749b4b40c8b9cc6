"""ConvNeXt V1 and V2: registry names, parameter counts (torchvision's for tiny..large, timm's
for ``convnext_xlarge`` and ``convnextv2_*``), forward+backward on both backends, layer
scale, GRN and stochastic-depth settings."""

import numpy as np
import pytest
from zoo_unit import check_train_step, meta_params_and_output, n_params

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models.blocks import LayerNorm2d
from lucid.models.convnext import ConvNeXt
from lucid.models.convnext_v2 import ConvNeXtV2

V1 = {"convnext_tiny": 28_589_128, "convnext_small": 50_223_688, "convnext_base": 88_591_464,
      "convnext_large": 197_767_336, "convnext_xlarge": 350_196_968}
V2 = {"convnext_v2_atto": 3_708_400, "convnext_v2_femto": 5_233_240,
      "convnext_v2_pico": 9_066_280, "convnext_v2_nano": 15_623_800,
      "convnext_v2_tiny": 28_635_496, "convnext_v2_base": 88_717_800,
      "convnext_v2_large": 197_956_840, "convnext_v2_huge": 660_289_640}
LIGHT = ["convnext_v2_atto"]


def test_registered_under_the_original_names():
    assert set(V1) | set(V2) <= set(models.list_models("convnext*"))


@pytest.mark.parametrize("name", [*V1, *V2])
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name) == ({**V1, **V2}[name], (2, 1000))


@pytest.mark.parametrize("name", LIGHT)
def test_parameter_count_on_cpu(name):
    assert n_params(models.create_model(name)) == V2[name]


def test_forward_backward_small_v1_and_v2_atto():
    check_train_step(ConvNeXt((16, 32, 64, 128), (1, 1, 2, 1), num_classes=10,
                              stochastic_depth_prob=0.1))
    check_train_step(models.convnext_v2_atto(num_classes=10))
    check_train_step(ConvNeXtV2((16, 32, 64, 128), (1, 1, 1, 1), conv_mlp=False,
                                num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["convnext_tiny", "convnext_v2_tiny", "convnext_v2_nano"])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10), shape=(1, 3, 64, 64))


def test_layer_scale_grn_and_drop_path_settings():
    v1 = ConvNeXt((8, 16, 32, 64), (1, 1, 1, 1), stochastic_depth_prob=0.3)
    block = v1.features[1][0]
    np.testing.assert_allclose(block.layer_scale.numpy(), np.full((8, 1, 1), 1e-6), rtol=1e-6)
    probs = [v1.features[i][0].stochastic_depth.drop_prob for i in (1, 3, 5, 7)]
    assert probs == pytest.approx([0.0, 0.1, 0.2, 0.3])
    v2 = ConvNeXtV2((8, 16, 32, 64), (1, 1, 1, 1))
    grn = v2.stages[0].blocks[0].mlp.grn
    assert grn.channels_last and grn.weight.shape == (32,)
    assert not ConvNeXtV2((8, 16, 32, 64), (1, 1, 1, 1), conv_mlp=True) \
        .stages[0].blocks[0].mlp.grn.channels_last


def test_layer_norm_2d_matches_numpy_and_checks_shape():
    x = np.random.default_rng(0).standard_normal((2, 5, 3, 4)).astype(np.float32)
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    np.testing.assert_allclose(LayerNorm2d(5)(lucid.tensor(x)).numpy(),
                               (x - mu) / np.sqrt(var + 1e-6), rtol=1e-5, atol=1e-5)
    with pytest.raises(ShapeError, match="LayerNorm2d"):
        LayerNorm2d(5)(lucid.randn(2, 4, 3, 3))
