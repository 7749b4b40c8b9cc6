"""EfficientNet B0-B7 and V2 S/M/L/XL: registry names, parameter counts (torchvision's for
B0-B7 and V2-S/M/L, timm's ``tf_efficientnetv2_xl`` for XL), forward+backward on both
backends, stochastic depth schedule."""

import pytest
from zoo_unit import check_train_step, meta_params_and_output, n_params

from lucid import models

PARAMS = {"efficientnet_b0": 5_288_548, "efficientnet_b1": 7_794_184,
          "efficientnet_b2": 9_109_994, "efficientnet_b3": 12_233_232,
          "efficientnet_b4": 19_341_616, "efficientnet_b5": 30_389_784,
          "efficientnet_b6": 43_040_704, "efficientnet_b7": 66_347_960,
          "efficientnet_v2_s": 21_458_488, "efficientnet_v2_m": 54_139_356,
          "efficientnet_v2_l": 118_515_272, "efficientnet_v2_xl": 208_119_808}
LIGHT_COUNT = ["efficientnet_b0", "efficientnet_v2_s"]


def test_registered_under_the_original_names():
    assert set(PARAMS) <= set(models.list_models("efficientnet*"))


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name) == (PARAMS[name], (2, 1000))


@pytest.mark.parametrize("name", LIGHT_COUNT)
def test_parameter_count_on_cpu(name):
    assert n_params(models.create_model(name)) == PARAMS[name]


def test_forward_backward_b0():
    check_train_step(models.efficientnet_b0(num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in PARAMS if n != "efficientnet_b0"])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10), shape=(1, 3, 64, 64))


def test_stochastic_depth_grows_linearly_and_bn_options():
    model = models.efficientnet_b0()
    probs = [b.stochastic_depth.drop_prob for stage in list(model.features)[1:-1]
             for b in stage]
    assert len(probs) == 16
    assert probs == pytest.approx([0.2 * i / 16 for i in range(16)])
    assert model.features[0][1].eps == 1e-5
    assert models.efficientnet_v2_s().features[0][1].eps == 1e-3
