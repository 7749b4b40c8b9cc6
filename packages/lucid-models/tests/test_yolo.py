"""YOLO v1-v4: registry, parameter counts (darknet cfgs / the original Lucid), a training
step (loss + backward reaching every parameter) and ``predict`` in torchvision's format, on
both backends; the full-size networks on the meta device."""

import numpy as np
import pytest

import lucid
from lucid import models, optim
from lucid.models.yolo.anchor_loss import _ciou_loss

NAMES = ["yolo_v1", "yolo_v1_tiny", "yolo_v2", "yolo_v2_tiny", "yolo_v3", "yolo_v3_tiny",
         "yolo_v4"]


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def _targets():
    return [{"boxes": np.array([[4.0, 6.0, 30.0, 40.0], [36, 30, 60, 62]]),
             "labels": np.array([1, 2])},
            {"boxes": np.zeros((0, 4)), "labels": np.zeros(0, np.int64)}]


def test_registered():
    assert set(NAMES) <= set(models.list_models("yolo*"))


@pytest.mark.parametrize("name, count, source", [
    ("yolo_v1", 271_716_734, "original Lucid docs, yolo_v1 (20 classes)"),
    ("yolo_v3", 61_949_149, "darknet yolov3.cfg, 80 classes"),
    ("yolo_v3_tiny", 8_852_366, "darknet yolov3-tiny.cfg, 80 classes"),
    ("yolo_v4", 64_363_101, "darknet yolov4.cfg, 80 classes"),
])
def test_parameter_counts_on_meta(name, count, source):
    with lucid.device("meta"):
        model = models.create_model(name)
    assert n_params(model) == count, source


@pytest.mark.parametrize("name, size, shapes", [
    ("yolo_v1", 448, [(2, 7, 7, 30)]),
    ("yolo_v2", 416, [(2, 125, 13, 13)]),
    ("yolo_v3", 416, [(2, 255, 13, 13), (2, 255, 26, 26), (2, 255, 52, 52)]),
    ("yolo_v4", 608, [(2, 255, 19, 19), (2, 255, 38, 38), (2, 255, 76, 76)]),
])
def test_paper_output_shapes_on_meta(name, size, shapes):
    with lucid.device("meta"):
        out = models.create_model(name).eval()(lucid.zeros(2, 3, size, size))
    out = out if isinstance(out, list) else [out]
    assert [tuple(o.shape) for o in out] == shapes


def _train_and_predict(model, size=64):
    model.train()
    x = lucid.randn(2, 3, size, size, requires_grad=True)
    losses = model.loss(x, _targets())
    assert {"loss_box", "loss_obj", "loss_cls", "loss"} <= set(losses)
    total = losses["loss"]
    assert np.isfinite(total.item()) and total.item() > 0
    total.backward()
    assert x.grad is not None
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing, missing[:5]
    dets = model.predict(x.detach(), score_thresh=0.0, max_detections=7)
    assert len(dets) == 2
    for d in dets:
        assert set(d) == {"boxes", "scores", "labels"}
        k = d["scores"].shape[0]
        assert 0 < k <= 7 and d["boxes"].shape == (k, 4) and d["labels"].dtype == lucid.int64
        s = d["scores"].numpy()
        assert (np.diff(s) <= 0).all()
        b = d["boxes"].numpy()
        assert (b >= 0).all() and (b <= size).all()


@pytest.mark.parametrize("factory, kwargs", [
    ("yolo_v1_tiny", {"split_size": 2}),
    ("yolo_v2_tiny", {}),
    ("yolo_v3_tiny", {}),
])
def test_train_step_and_predict_small(factory, kwargs):
    lucid.random.seed(0)
    _train_and_predict(models.create_model(factory, num_classes=3, **kwargs))


@pytest.mark.zoo
@pytest.mark.parametrize("factory, kwargs", [
    ("yolo_v1", {"split_size": 2}), ("yolo_v2", {}), ("yolo_v3", {}), ("yolo_v4", {})])
def test_train_step_and_predict_full(factory, kwargs):
    lucid.random.seed(0)
    _train_and_predict(models.create_model(factory, num_classes=3, **kwargs))


def test_loss_decreases_towards_a_box():
    """A few SGD steps on one image lower the loss (the gradients point the right way)."""
    lucid.random.seed(0)
    model = models.yolo_v3_tiny(num_classes=3, anchors=(((20, 20),) * 3, ((8, 8),) * 3))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x = lucid.randn(2, 3, 32, 32)
    first = None
    for _ in range(5):
        loss = model.loss(x, _targets()[:1] * 2)["loss"]
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < first


def test_ciou_loss_hand_values():
    """Identical boxes: 0. Disjoint equal squares side by side (1 apart, unit size):
    IoU 0, rho^2 = 4, c^2 = 3^2 + 1^2 = 10, v = 0 -> 1 + 0.4."""
    a = lucid.tensor([[0.0, 0, 1, 1], [0, 0, 1, 1]])
    b = lucid.tensor([[0.0, 0, 1, 1], [2, 0, 3, 1]])
    np.testing.assert_allclose(_ciou_loss(a, b).numpy(), [0.0, 1.4], atol=1e-5)


def test_bad_targets_raise():
    model = models.yolo_v3_tiny(num_classes=3)
    x = lucid.randn(2, 3, 32, 32)
    with pytest.raises(lucid.ShapeError, match="2 images"):
        model.loss(x, _targets()[:1])
    bad = _targets()
    bad[0]["labels"] = np.array([1, 5])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        model.loss(x, bad)


@pytest.mark.zoo
@pytest.mark.parametrize("name, size", [("yolo_v1", 448), ("yolo_v1_tiny", 448),
                                        ("yolo_v2", 416), ("yolo_v3", 416), ("yolo_v4", 608)])
def test_paper_size_forward_backward_on_meta(name, size):
    """At the paper's input size on the meta device: every parameter receives a gradient."""
    with lucid.device("meta"):
        model = models.create_model(name).train()
        out = model(lucid.zeros(1, 3, size, size))
        out = out if isinstance(out, list) else [out]
        sum((o * o).sum() for o in out).backward()
    assert all(p.grad is not None for p in model.parameters())
