"""MaxViT and CoAtNet: registry names, a training step of small configurations of both
flavours (both backends), the timm parameter counts on the meta device, and the partition
size check."""

import pytest
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models import MaxxVit

# timm 1.0 maxvit_*_tf_224 / coatnet_N_224 with num_classes=1000
COUNTS = {"maxvit_tiny": 30_916_528, "maxvit_small": 68_927_956, "maxvit_base": 119_467_708,
          "maxvit_large": 211_785_560, "maxvit_xlarge": 474_951_952,
          "coatnet_0": 25_036_820, "coatnet_1": 42_225_776, "coatnet_2": 74_684_744,
          "coatnet_3": 166_966_264, "coatnet_4": 275_425_288, "coatnet_5": 687_472_008,
          # no timm model: the paper's layout (Dai et al. 2021, Table 14), the paper's
          # counts 1.47B (CoAtNet-6, 8 % more than this layout gives) and 2.44B (CoAtNet-7)
          "coatnet_6": 1_349_553_512, "coatnet_7": 2_443_466_728}


def test_registered():
    names = models.list_models("maxvit_*") + models.list_models("coatnet_*")
    assert sorted(names) == sorted(COUNTS)


@pytest.mark.parametrize("types, flavour", [(("M",) * 4, "tf"), (("C", "C", "T", "T"), "coat")])
def test_train_step_small(types, flavour):
    model = MaxxVit((32, 32, 64, 64), (1, 2, 1, 1), 16, types, flavour=flavour, img_size=64,
                    num_classes=10, drop_path_rate=0.1)
    check_train_step(model, shape=(2, 3, 64, 64))


def test_train_step_split_stage():
    """CoAtNet-6/7's layout: a stride-1 Transformer stage widening the MBConv stage."""
    model = MaxxVit((16, 16, 32, 64, 96), (1, 1, 1, 2, 1), 16, ("C", "C", "C", "T", "T"),
                    strides=(2, 2, 2, 1, 2), img_size=64, num_classes=10)
    assert tuple(model.stages[3].blocks[0].shortcut.expand.weight.shape) == (64, 32, 1, 1)
    check_train_step(model, shape=(2, 3, 64, 64))


def test_paper_counts_within_tolerance():
    assert abs(COUNTS["coatnet_7"] / 2.44e9 - 1) < 0.01
    assert abs(COUNTS["coatnet_6"] / 1.47e9 - 1) < 0.09


def test_partition_mismatch_is_a_shape_error():
    model = MaxxVit((32, 32, 64, 64), (1, 1, 1, 1), 16, ("M",) * 4, flavour="tf",
                    img_size=64, num_classes=10).eval()
    with pytest.raises(ShapeError, match="partition"):
        model(lucid.randn(1, 3, 96, 96))


@pytest.mark.parametrize("name", ["maxvit_tiny", "coatnet_0"])
def test_counts_on_meta(name):
    assert meta_params_and_output(name) == (COUNTS[name], (2, 1000))


@pytest.mark.zoo
@pytest.mark.parametrize("name", sorted(set(COUNTS) - {"maxvit_tiny", "coatnet_0"}))
def test_counts_on_meta_zoo(name):
    assert meta_params_and_output(name) == (COUNTS[name], (2, 1000))
