"""MobileNet V1-V4: registry names, parameter counts, forward+backward on both backends.

Reference counts (1000 classes): torchvision's ``mobilenet_v2``/``mobilenet_v3_*`` and timm's
``mobilenetv1_100``/``mobilenetv4_*`` (``tests/parity`` checks each against the model itself).
"""

import pytest
from zoo_unit import check_train_step, meta_params_and_output, n_params

from lucid import models

NAMES = ["mobilenet", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
         "mobilenet_v4_conv_small", "mobilenet_v4_conv_medium", "mobilenet_v4_conv_large",
         "mobilenet_v4_hybrid_medium", "mobilenet_v4_hybrid_large"]
PARAMS = {"mobilenet": 4_231_976, "mobilenet_v2": 3_504_872, "mobilenet_v3_small": 2_542_856,
          "mobilenet_v3_large": 5_483_032, "mobilenet_v4_conv_small": 3_774_024,
          "mobilenet_v4_conv_medium": 9_715_512, "mobilenet_v4_conv_large": 32_590_864,
          "mobilenet_v4_hybrid_medium": 11_074_648, "mobilenet_v4_hybrid_large": 37_764_624}
LIGHT = ["mobilenet_v2", "mobilenet_v3_small"]


def test_registered_under_the_original_names():
    assert set(NAMES) <= set(models.list_models("mobilenet*"))


@pytest.mark.parametrize("name", NAMES)
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name) == (PARAMS[name], (2, 1000))


@pytest.mark.parametrize("name", LIGHT)
def test_parameter_count_on_cpu(name):
    assert n_params(models.create_model(name)) == PARAMS[name]


@pytest.mark.parametrize("name", LIGHT)
def test_forward_backward(name):
    check_train_step(models.create_model(name, num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in NAMES if n not in LIGHT])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10), shape=(2, 3, 64, 64))


def test_width_multiplier_and_bad_stride():
    from lucid.models.blocks import InvertedResidual

    model = models.mobilenet_v2(width_mult=0.5, num_classes=10)
    assert model.features[0][0].out_channels == 16 and model.classifier[1].in_features == 1280
    with pytest.raises(ValueError, match="stride must be 1 or 2"):
        InvertedResidual(8, 8, 3, 6)
