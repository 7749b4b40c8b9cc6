"""PVT v1 and v2: registry names, parameter counts on the meta device (v1 against the
paper's Table 2, rounded to 0.1M; v2 the timm counts), forward+backward on both backends,
and the spatial-reduction attention against a NumPy reference."""

import numpy as np
import pytest
from zoo_unit import check_train_step, meta_params_and_output

import lucid
from lucid import models
from lucid.errors import ShapeError
from lucid.models.blocks.spatial_reduction_attention import SpatialReductionAttention
from lucid.models.pvt import PyramidVisionTransformer
from lucid.models.pvt_v2 import PyramidVisionTransformerV2

PAPER_V1 = {"pvt_tiny": 13.2e6, "pvt_small": 24.5e6, "pvt_medium": 44.2e6, "pvt_large": 61.4e6}
V2 = {"pvt_v2_b0": 3_666_760, "pvt_v2_b1": 14_009_000, "pvt_v2_b2": 25_362_856,
      "pvt_v2_b2_li": 22_553_512, "pvt_v2_b3": 45_238_696, "pvt_v2_b4": 62_556_072,
      "pvt_v2_b5": 81_956_008}


def test_registered_under_the_original_names():
    assert {*PAPER_V1, "pvt_huge", *V2} <= set(models.list_models("pvt*"))


@pytest.mark.parametrize("name", list(PAPER_V1))
def test_v1_counts_match_the_paper(name):
    count, shape = meta_params_and_output(name)
    assert shape == (2, 1000) and abs(count - PAPER_V1[name]) <= 0.05e6


def test_v1_huge_builds_on_meta():
    count, shape = meta_params_and_output("pvt_huge")
    assert shape == (2, 1000) and count == 304_945_512   # widths 128-768, depths 3-10-60-3


@pytest.mark.parametrize("name", list(V2))
def test_v2_counts_on_meta(name):
    assert meta_params_and_output(name) == (V2[name], (2, 1000))


def test_forward_backward_small():
    check_train_step(PyramidVisionTransformer((1, 1, 1, 1), (8, 16, 24, 32), (1, 2, 3, 4),
                                              img_size=32, num_classes=10, drop_path_rate=0.1))
    check_train_step(PyramidVisionTransformerV2((1, 1, 1, 1), (8, 16, 24, 32), (1, 2, 3, 4),
                                                num_classes=10))
    check_train_step(PyramidVisionTransformerV2((1, 1, 1, 1), (8, 16, 24, 32), (1, 2, 3, 4),
                                                linear=True, num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["pvt_tiny", "pvt_v2_b0", "pvt_v2_b2_li"])
def test_forward_backward_zoo(name):
    size = 224 if name == "pvt_tiny" else 64
    check_train_step(models.create_model(name, num_classes=10), shape=(1, 3, size, size))


def test_v1_checks_image_size():
    with pytest.raises(ShapeError, match="PyramidVisionTransformer"):
        models.pvt_tiny()(lucid.randn(1, 3, 64, 64))


def test_spatial_reduction_attention_matches_numpy():
    rng = np.random.default_rng(0)
    attn = SpatialReductionAttention(4, num_heads=1, sr_ratio=2).eval()
    x = rng.standard_normal((1, 16, 4)).astype(np.float32)
    w = {k: v.numpy() for k, v in attn.state_dict().items()}
    grid = x[0].T.reshape(4, 4, 4)                      # (C, H, W)
    red = np.einsum("ocij,chwij->ohw", w["sr.weight"],
                    grid.reshape(4, 2, 2, 2, 2).transpose(0, 1, 3, 2, 4)) \
        + w["sr.bias"][:, None, None]
    r = red.reshape(4, 4).T
    r = (r - r.mean(-1, keepdims=True)) / np.sqrt(r.var(-1, keepdims=True) + 1e-5)
    r = r * w["norm.weight"] + w["norm.bias"]
    q = x[0] @ w["q.weight"].T + w["q.bias"]
    k, v = np.split(r @ w["kv.weight"].T + w["kv.bias"], 2, axis=-1)
    s = q @ k.T / 2.0
    p = np.exp(s - s.max(-1, keepdims=True))
    ref = (p / p.sum(-1, keepdims=True)) @ v @ w["proj.weight"].T + w["proj.bias"]
    np.testing.assert_allclose(attn(lucid.tensor(x), (4, 4)).numpy()[0], ref, rtol=1e-4,
                               atol=1e-5)
