"""Zoo models on the ``meta`` device (lucid-backend-meta): built without data, their
parameter counts and output shapes equal the published figures, and ``to_empty`` then
``load_state_dict`` gives the real model back."""

import tracemalloc

import numpy as np
import pytest

import lucid
from lucid import models

pytest.importorskip("lucid_backend_meta", reason="lucid-backend-meta is not installed")


def build_on_meta(name, **kwargs):
    with lucid.device("meta"):
        return models.create_model(name, **kwargs)


def n_params(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name, kwargs, count, size, measure, source", [
    ("resnet_50", {}, 25_557_032, 224, True, "torchvision resnet50"),
    ("resnet_1001", {"num_classes": 10}, 10_327_706, 32, False,
     "He et al. 2016 (Identity Mappings), ResNet-1001 on CIFAR-10: 10.2M"),
    ("efficientnet_v2_xl", {}, 208_119_808, 64, True, "timm tf_efficientnetv2_xl"),
])
def test_meta_build_counts_and_shapes(name, kwargs, count, size, measure, source):
    """``measure``: trace allocations (slow for resnet_1001's 3,000 modules)."""
    lucid.zeros(1, device="meta")  # discovery and imports outside the measurement
    if measure:
        tracemalloc.start()
    model = build_on_meta(name, **kwargs).eval()
    out = model(lucid.zeros(2, 3, size, size, device="meta"))
    assert n_params(model) == count, source
    assert out.shape == (2, kwargs.get("num_classes", 1000)) and str(out.device) == "meta"
    if measure:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        # float32 storage would take 4 bytes per parameter; meta keeps Python objects only
        assert peak < min(4 * count, 64 * 2**20), f"{peak / 2**20:.1f} MiB traced"


def test_meta_state_dict_equals_cpu_and_to_empty_loads_weights():
    lucid.random.seed(0)
    ref = models.resnet_18(num_classes=7).eval()
    model = build_on_meta("resnet_18", num_classes=7)
    assert ([(k, v.shape, v.dtype) for k, v in model.state_dict().items()]
            == [(k, v.shape, v.dtype) for k, v in ref.state_dict().items()])
    model.to_empty(device="cpu")
    model.load_state_dict(ref.state_dict())
    model.eval()
    x = lucid.randn(2, 3, 40, 40)
    np.testing.assert_array_equal(model(x).numpy(), ref(x).numpy())


def _input_shape(name):
    if name.startswith("lenet"):
        return (2, 1, 28, 28)
    if name == "xception" or (name.startswith("inception") and "next" not in name):
        return (2, 3, 299, 299)
    if name.startswith("crossvit"):  # two branches: 240 (12x12 patches) and 224 (16x16)
        return (2, 3, 240, 240)
    return (2, 3, 224, 224)


@pytest.mark.zoo
@pytest.mark.parametrize("name", models.list_models())
def test_every_model_builds_and_runs_on_meta(name):
    """Every registered model: built on meta (no data anywhere), the eval-mode output is
    ``(batch, num_classes)`` on meta."""
    model = build_on_meta(name, num_classes=10).eval()
    assert all(type(p.data).__name__ == "MetaArray" for p in model.parameters())
    if name.startswith("transformer_"):  # seq2seq: token ids in, (batch, length, vocab) out
        ids = lucid.zeros(2, 5, dtype=lucid.int64, device="meta")
        out = model(ids, ids)
        assert out.shape == (2, 5, 10) and str(out.device) == "meta"
        return
    if name.startswith(("yolo_", "efficientdet_")):  # raw detection maps (test_yolo.py,
        out = model(lucid.zeros(2, 3, 256, 256, device="meta"))  # test_efficientdet.py)
        outs = out if isinstance(out, (list, tuple)) else [out]
        assert all(o.shape[0] == 2 and str(o.device) == "meta" for o in outs)
        return
    if name.startswith("detr_"):  # post-processed: one dict of boxes, scores, labels per image
        results = model(lucid.zeros(2, 3, 224, 224, device="meta"))
        assert len(results) == 2 and all(r["boxes"].shape[-1] == 4 and
                                          str(r["boxes"].device) == "meta" for r in results)
        return
    if name.startswith("faster_rcnn_"):
        # Its proposals are chosen by score (top-k, NMS): values a meta tensor does not have
        # (PyTorch's meta device cannot run NMS either). Backbone, FPN and RPN head run.
        feats = model.backbone(lucid.zeros(2, 3, 224, 224, device="meta"))
        logits, deltas = model.rpn.head(feats)
        assert [tuple(f.shape) for f in feats][:2] == [(2, 256, 56, 56), (2, 256, 28, 28)]
        assert logits[0].shape == (2, 3, 56, 56) and deltas[0].shape == (2, 12, 56, 56)
        assert all(str(f.device) == "meta" for f in feats + logits + deltas)
        return
    out = model(lucid.zeros(*_input_shape(name), device="meta"))
    out = out[0] if isinstance(out, tuple) else out
    assert out.shape == (2, 10) and str(out.device) == "meta"
