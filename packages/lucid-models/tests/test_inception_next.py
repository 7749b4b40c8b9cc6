"""InceptionNeXt: registry names, parameter counts (timm's), forward+backward on both
backends, and the Inception depthwise mixer's branches checked against plain convolutions."""

import numpy as np
import pytest
from zoo_unit import check_train_step, meta_params_and_output, n_params

import lucid
from lucid import models
from lucid.models.inception_next import InceptionDWConv2d
from lucid.nn import functional as F

PARAMS = {"inception_next_atto": 4_156_520, "inception_next_tiny": 28_055_680,
          "inception_next_small": 49_374_016, "inception_next_base": 86_672_136}


def test_registered_under_the_original_names():
    assert set(PARAMS) <= set(models.list_models("inception_next*"))


def test_parameter_count_atto():
    assert n_params(models.inception_next_atto()) == PARAMS["inception_next_atto"]


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name) == (PARAMS[name], (2, 1000))


def test_forward_backward_atto():
    check_train_step(models.inception_next_atto(num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", list(PARAMS)[1:])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10), shape=(1, 3, 64, 64))


def test_mixer_branches():
    mixer = InceptionDWConv2d(16, band_kernel=5, branch_ratio=0.25)  # identity 4, branches 4
    x = lucid.randn(2, 16, 6, 7)
    y = mixer(x).numpy()
    np.testing.assert_array_equal(y[:, :4], x.numpy()[:, :4])
    for conv, lo in ((mixer.dwconv_hw, 4), (mixer.dwconv_w, 8), (mixer.dwconv_h, 12)):
        want = F.conv2d(x[:, lo:lo + 4], conv.weight, conv.bias, padding=conv.padding,
                        groups=4).numpy()
        np.testing.assert_allclose(y[:, lo:lo + 4], want, rtol=1e-6, atol=1e-6)
    assert mixer.dwconv_w.weight.shape == (4, 1, 1, 5)
    assert mixer.dwconv_h.weight.shape == (4, 1, 5, 1)
