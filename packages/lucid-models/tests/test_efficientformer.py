"""EfficientFormer: registry names, a training step on both backends (a small configuration
at 224x224, the fixed attention grid), the timm parameter counts, and the input-size check."""

import pytest
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models.efficientformer import EfficientFormer

COUNTS = {"efficientformer_l1": 12_289_928, "efficientformer_l3": 31_406_000,
          "efficientformer_l7": 82_229_328}  # timm 1.0 efficientformer_l*


def test_registered():
    assert models.list_models("efficientformer_*") == sorted(COUNTS)


def test_train_step_small():
    check_train_step(EfficientFormer((8, 8, 16, 32), (1, 1, 1, 2), num_vit=1, num_classes=10,
                                     drop_path_rate=0.1), shape=(2, 3, 224, 224))


def test_wrong_input_size_is_a_shape_error():
    model = EfficientFormer((8, 8, 16, 32), (1, 1, 1, 2), num_vit=1, num_classes=10).eval()
    with pytest.raises(ShapeError, match="224x224"):
        model(lucid.randn(1, 3, 64, 64))


@pytest.mark.zoo
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_on_meta(name):
    assert meta_params_and_output(name) == (COUNTS[name], (2, 1000))
