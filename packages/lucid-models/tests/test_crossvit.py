"""CrossViT: registry names, parameter counts (timm's ``crossvit_*_240``) and output shapes on
the meta device, forward+backward on both backends, input checks, and the bicubic resize
helper against PyTorch's ``interpolate(mode="bicubic")``."""

import numpy as np
import pytest
import torch
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models.blocks.bicubic_resize import bicubic_resize
from lucid.models.crossvit import CrossViT

COUNTS = {"crossvit_tiny": 7_014_800, "crossvit_small": 26_856_272,
          "crossvit_base": 105_025_232, "crossvit_9": 8_553_296, "crossvit_15": 27_528_464,
          "crossvit_18": 43_271_408, "crossvit_9_dagger": 8_776_592,
          "crossvit_15_dagger": 28_209_008, "crossvit_18_dagger": 44_266_976}


def test_registered_under_the_original_names():
    assert set(COUNTS) <= set(models.list_models("crossvit*"))


@pytest.mark.parametrize("name", list(COUNTS))
def test_parameter_count_and_output_shape_on_meta(name):
    assert meta_params_and_output(name, 240) == (COUNTS[name], (2, 1000))


@pytest.mark.parametrize("dagger", [False, True])
def test_forward_backward_small(dagger):
    check_train_step(CrossViT(img_size=48, img_scale=(1.0, 32 / 48), embed_dim=(16, 32),
                              num_heads=(2, 2), depth=((1, 1, 0),) * 2, mlp_ratio=(2, 2, 1),
                              multi_conv=dagger, num_classes=10, drop_path_rate=0.1),
                     shape=(2, 3, 48, 48))


@pytest.mark.zoo
def test_forward_backward_zoo():
    check_train_step(models.crossvit_9(num_classes=10), shape=(1, 3, 240, 240))


def test_wrong_size_and_fusion_depth_are_errors():
    with pytest.raises(ShapeError, match="CrossViT"):
        models.crossvit_tiny()(lucid.randn(1, 3, 224, 224))
    with pytest.raises(ValueError, match="fusion"):
        CrossViT(depth=((1, 1, 1),))


@pytest.mark.parametrize("size_in,size_out", [(48, 32), (240, 224), (10, 17)])
def test_bicubic_resize_matches_torch(size_in, size_out):
    x = np.random.default_rng(0).random((2, 3, size_in, size_in)).astype(np.float32)
    ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=(size_out, size_out),
                                          mode="bicubic", align_corners=False).numpy()
    np.testing.assert_allclose(bicubic_resize(lucid.tensor(x), (size_out, size_out)).numpy(),
                               ref, atol=5e-5)
