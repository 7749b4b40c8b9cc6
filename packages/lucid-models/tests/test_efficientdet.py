"""EfficientDet D0-D7: parameter counts equal the paper's Table 2 (Tan, Pang & Le, CVPR
2020: D0 3.9M, D1 6.6M, D2 8.1M, D3 12M, D4 21M, D5 34M, D6 52M, D7 52M, 90 COCO classes),
a training step (focal + Huber loss, backward reaching every parameter) and ``predict``
on both backends, the focal loss against its formula."""

import numpy as np
import pytest

import lucid
from lucid import models
from lucid.models.efficientdet import EfficientDet, sigmoid_focal_loss

PAPER_MILLIONS = [3.9, 6.6, 8.1, 12, 21, 34, 52, 52]


def n_params(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("d", range(8))
def test_parameter_count_matches_paper(d):
    with lucid.device("meta"):
        model = models.create_model(f"efficientdet_d{d}")
    millions = n_params(model) / 1e6
    digits = 1 if PAPER_MILLIONS[d] < 10 else 0  # the paper's rounding
    assert round(millions, digits) == PAPER_MILLIONS[d], millions


def test_d0_output_shapes_on_meta():
    with lucid.device("meta"):
        cls, box = models.efficientdet_d0().eval()(lucid.zeros(2, 3, 512, 512))
    m = 9 * sum((512 // 2 ** level) ** 2 for level in range(3, 8))
    assert tuple(cls.shape) == (2, m, 90) and tuple(box.shape) == (2, m, 4)
    assert EfficientDet.anchors((512, 512)).shape == (m, 4)


def test_anchors_level_three_first_cell():
    """P3, cell (0, 0): centre (4, 4), size 32 (ratio 1) -> (-12, -12, 20, 20)."""
    a = EfficientDet.anchors((128, 128))
    np.testing.assert_allclose(a[3], [-12, -12, 20, 20])


def test_d0_train_step_and_predict():
    lucid.random.seed(0)
    model = models.efficientdet_d0(num_classes=3).train()
    x = lucid.randn(2, 3, 128, 128, requires_grad=True)
    targets = [{"boxes": np.array([[10.0, 12, 60, 70], [64, 64, 120, 110]]),
                "labels": np.array([0, 2])},
               {"boxes": np.zeros((0, 4)), "labels": np.zeros(0, np.int64)}]
    losses = model.loss(x, targets)
    assert losses["loss_box"].item() > 0 and np.isfinite(losses["loss"].item())
    losses["loss"].backward()
    assert x.grad is not None
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing, missing[:5]
    dets = model.predict(x.detach(), score_thresh=0.0, max_detections=5)
    assert [d["boxes"].shape for d in dets] == [(5, 4), (5, 4)]
    assert all(d["labels"].dtype == lucid.int64 for d in dets)


def test_focal_loss_formula():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5)).astype(np.float32)
    y = (rng.random((4, 5)) < 0.3).astype(np.float32)
    p = 1 / (1 + np.exp(-x))
    ce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    p_t = p * y + (1 - p) * (1 - y)
    ref = (0.25 * y + 0.75 * (1 - y)) * (1 - p_t) ** 1.5 * ce
    out = sigmoid_focal_loss(lucid.tensor(x), lucid.tensor(y), alpha=0.25, gamma=1.5)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)
    assert sigmoid_focal_loss(lucid.tensor(x), lucid.tensor(y), reduction="sum").item() == \
        pytest.approx(float(sigmoid_focal_loss(lucid.tensor(x), lucid.tensor(y)).numpy().sum()),
                      rel=1e-5)
    with pytest.raises(ValueError, match="reduction"):
        sigmoid_focal_loss(lucid.tensor(x), lucid.tensor(y), reduction="max")


@pytest.mark.zoo
@pytest.mark.parametrize("d", range(1, 8))
def test_big_variants_forward_backward_on_meta(d):
    """D1-D7 at 256 px on the shape-only meta device: every parameter receives a gradient."""
    with lucid.device("meta"):
        model = models.create_model(f"efficientdet_d{d}", num_classes=3).train()
        cls, box = model(lucid.zeros(1, 3, 256, 256))
        ((cls * cls).sum() + (box * box).sum()).backward()
    assert tuple(cls.shape) == (1, 9 * sum((256 // 2 ** k) ** 2 for k in range(3, 8)), 3)
    assert all(p.grad is not None for p in model.parameters())
