"""Faster R-CNN: a training step (four losses, gradients reach every trainable part) and
prediction in torchvision's output format, on a small image; registry names; parameter
counts (R50: torchvision's documented 41,755,286; R101: 60,695,190, torchvision's
``FasterRCNN(resnet_fpn_backbone("resnet101"))`` with frozen batch norms, counted on the meta
device)."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.models
import lucid.optim
from lucid.models.detection.faster_rcnn import faster_rcnn_resnet_50_fpn


def _count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_registered():
    names = lucid.models.list_models()
    assert {"faster_rcnn_resnet_50_fpn", "faster_rcnn_resnet_101_fpn"} <= set(names)


def test_parameter_counts_on_meta():
    with lucid.device("meta"):
        r50 = lucid.models.create_model("faster_rcnn_resnet_50_fpn", frozen_batch_norm=True)
        r101 = lucid.models.create_model("faster_rcnn_resnet_101_fpn", frozen_batch_norm=True)
        r50_scratch = lucid.models.create_model("faster_rcnn_resnet_50_fpn")
        r101_scratch = lucid.models.create_model("faster_rcnn_resnet_101_fpn")
    assert _count(r50) == 41_755_286
    assert _count(r101) == 60_695_190
    # from scratch: trainable batch norms, as torchvision's fasterrcnn_resnet50_fpn(weights=None)
    assert _count(r50_scratch) == 41_808_406
    assert _count(r101_scratch) == 60_800_534


def test_train_step_and_predict():
    model = faster_rcnn_resnet_50_fpn(num_classes=3, min_size=64, max_size=64,
                                      rpn_pre_nms_top_n_train=200, rpn_post_nms_top_n_train=100,
                                      box_batch_size_per_image=32)
    rng = np.random.default_rng(0)
    images = [lucid.tensor(rng.uniform(size=(3, 64, 64)).astype(np.float32))]
    targets = [{"boxes": lucid.tensor([[4.0, 6.0, 30.0, 40.0], [20.0, 20.0, 60.0, 50.0]]),
                "labels": lucid.tensor([1, 2])}]
    model.train()
    losses = model(images, targets)
    assert set(losses) == {"loss_classifier", "loss_box_reg", "loss_objectness",
                           "loss_rpn_box_reg"}
    total = sum(losses.values())
    assert np.isfinite(total.numpy()) and float(total.numpy()) > 0
    total.backward()
    for name in ("roi_heads.box_predictor.cls_score.weight", "rpn.head.cls_logits.weight",
                 "backbone.fpn.inner_blocks.0.0.weight", "backbone.body.layer1.0.conv1.weight"):
        grad = dict(model.named_parameters())[name].grad
        assert grad is not None and float(np.abs(grad.numpy()).sum()) > 0, name
    model.eval()
    with lucid.no_grad():
        out = model(images)
    assert len(out) == 1 and set(out[0]) == {"boxes", "scores", "labels"}
    boxes = out[0]["boxes"].numpy()
    assert boxes.ndim == 2 and boxes.shape[1] == 4 and (boxes >= 0).all() and (boxes <= 64).all()
    assert out[0]["labels"].dtype == lucid.int64


@pytest.mark.zoo
def test_loss_decreases_from_scratch():
    lucid.manual_seed(0)
    model = faster_rcnn_resnet_50_fpn(num_classes=2, min_size=64, max_size=64,
                                      rpn_post_nms_top_n_train=100, box_batch_size_per_image=32)
    model.rpn.sampler.rng = np.random.default_rng(0)       # reproducible minibatch sampling
    model.roi_heads.sampler.rng = np.random.default_rng(1)
    opt = lucid.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.005,
                          momentum=0.9)
    images = [lucid.tensor(np.random.default_rng(0).uniform(size=(3, 64, 64)).astype(np.float32))]
    targets = [{"boxes": lucid.tensor([[8.0, 8.0, 40.0, 50.0]]), "labels": lucid.tensor([1])}]
    model.train()
    history = []
    for _ in range(10):
        loss = sum(model(images, targets).values())
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(float(loss.numpy()))
    assert np.isfinite(history).all()
    assert np.mean(history[-3:]) < 0.5 * np.mean(history[:3]), history


def test_training_needs_targets():
    model = faster_rcnn_resnet_50_fpn(num_classes=2, min_size=32, max_size=32)
    with pytest.raises(ValueError, match="targets"):
        model([lucid.zeros((3, 32, 32))])


@pytest.mark.zoo
def test_r101_train_step_and_predict():
    model = lucid.models.create_model("faster_rcnn_resnet_101_fpn", num_classes=4,
                                      min_size=64, max_size=64, rpn_post_nms_top_n_train=100,
                                      box_batch_size_per_image=32)
    images = [lucid.rand(3, 64, 64)]
    targets = [{"boxes": lucid.tensor([[8.0, 8.0, 40.0, 50.0]]), "labels": lucid.tensor([3])}]
    model.train()
    total = sum(model(images, targets).values())
    total.backward()
    assert model.roi_heads.box_predictor.bbox_pred.weight.grad is not None
    model.eval()
    with lucid.no_grad():
        assert set(model(images)[0]) == {"boxes", "scores", "labels"}
