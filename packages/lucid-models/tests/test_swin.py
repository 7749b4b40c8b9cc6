"""Swin V1/V2: registry names, parameter counts (timm's with 1000 classes; V2 huge/giant
against the paper's 658M / 3.0B) on the meta device, forward+backward on both backends, and
the window helpers against NumPy (partition round trip, shift mask, relative index)."""

import numpy as np
import pytest
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.models.blocks.relative_position import relative_position_index
from lucid.models.blocks.window_attention import (
    shifted_window_mask,
    window_partition,
    window_reverse,
)
from lucid.models.swin import SwinTransformer

COUNTS = {"swin_tiny": 28_288_354, "swin_small": 49_606_258, "swin_base": 87_768_224,
          "swin_large": 196_532_476, "swin_v2_tiny": 28_347_154, "swin_v2_small": 49_728_418,
          "swin_v2_base": 87_918_816, "swin_v2_large": 196_739_932}
PAPER = {"swin_v2_huge": 658e6, "swin_v2_giant": 3.0e9}  # Liu et al. 2022, Table 1


def test_registered_under_the_original_names():
    assert set(COUNTS) | set(PAPER) <= set(models.list_models("swin_*"))


@pytest.mark.parametrize("name", list(COUNTS))
def test_parameter_count_and_output_shape_on_meta(name):
    size = 256 if "v2" in name else 224
    assert meta_params_and_output(name, size) == (COUNTS[name], (2, 1000))


@pytest.mark.parametrize("name", list(PAPER))
def test_v2_huge_giant_match_the_paper_within_half_a_percent(name):
    count, shape = meta_params_and_output(name, 256)
    assert shape == (2, 1000) and abs(count / PAPER[name] - 1) < 0.005


@pytest.mark.parametrize("v2", [False, True])
def test_forward_backward_small(v2):
    check_train_step(SwinTransformer(16, (2, 2), (1, 2), window_size=4, img_size=32, v2=v2,
                                     num_classes=10, drop_path_rate=0.1))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["swin_tiny", "swin_v2_tiny"])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10), shape=(1, 3, 64, 64))


def test_window_partition_round_trip_and_layout():
    x = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3)
    w = window_partition(lucid.tensor(x), 2, 3)
    assert w.shape == (2, 4, 6, 3)
    np.testing.assert_array_equal(w.numpy()[1, 3], x[1, 2:4, 3:6].reshape(6, 3))
    np.testing.assert_array_equal(window_reverse(w, 2, 3, 4, 6).numpy(), x)


def test_shift_mask_and_relative_index():
    mask = shifted_window_mask(4, 4, 2, 2, 1, 1)
    assert mask.shape == (4, 4, 4) and not mask[0].any()      # top-left window: one region
    # bottom-right window holds four regions: only each token with itself is allowed
    np.testing.assert_array_equal(mask[3] == 0, np.eye(4, dtype=bool))
    index = relative_position_index(2, 2)
    assert index[0, 0] == index[3, 3] == 4 and index[0, 3] == 0 and index[3, 0] == 8
