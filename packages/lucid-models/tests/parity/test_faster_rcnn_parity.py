"""Faster R-CNN R50-FPN against torchvision's ``fasterrcnn_resnet50_fpn`` layout (frozen
batch norms, as torchvision builds it for pretrained weights): identical state-dict keys in
order and shapes, 41,755,286 parameters, and equal eval detections (boxes, scores, labels)
with the same random weights on a small image.

torchvision's compiled ``nms`` does not load against the CPU torch here (conftest.py), so its
``torchvision.ops.boxes.nms`` is replaced by a plain greedy NMS in PyTorch for the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch._dynamo
import torchvision
import torchvision.ops.boxes as tv_boxes
from torchvision.models.detection import FasterRCNN
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops.misc import FrozenBatchNorm2d

import lucid
from lucid.models import resnet_18
from lucid.models.detection.faster_rcnn import FasterRCNN as FasterRCNNLucid
from lucid.models.detection.faster_rcnn import faster_rcnn_resnet_50_fpn
from lucid.models.detection.faster_rcnn.backbone import BackboneWithFPN
from lucid.models.detection.frozen_batch_norm import freeze_batch_norm


def _greedy_nms(boxes, scores, thr):
    order = torch.argsort(scores, descending=True, stable=True)
    iou = tv_boxes.box_iou(boxes[order], boxes[order]).numpy()
    suppressed = np.zeros(len(order), dtype=bool)
    keep = []
    for i in range(len(order)):
        if not suppressed[i]:
            keep.append(i)
            suppressed |= iou[i] > thr
    return order[torch.tensor(keep, dtype=torch.int64)]


_OPTIONS = {"min_size": 96, "max_size": 128, "box_score_thresh": 0.0,
            "rpn_post_nms_top_n_test": 60}


def _reference(monkeypatch, depth: int):
    monkeypatch.setattr(tv_boxes, "nms", _greedy_nms)
    torch.manual_seed(0)
    body = getattr(torchvision.models, f"resnet{depth}")(norm_layer=FrozenBatchNorm2d)
    ref = FasterRCNN(_resnet_fpn_extractor(body, 3), 91, **_OPTIONS)
    with torch.no_grad():
        for m in ref.modules():
            if isinstance(m, FrozenBatchNorm2d):
                m.weight.uniform_(0.2, 0.6)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return ref.eval()


def _check(model, reference):
    ref_state, state = reference.state_dict(), model.state_dict()
    assert list(state) == list(ref_state)
    assert all(tuple(state[k].shape) == tuple(v.shape) for k, v in ref_state.items())
    model.load_state_dict({k: lucid.tensor(v.numpy()) for k, v in ref_state.items()})
    model.eval()
    rng = np.random.default_rng(0)
    images = [rng.uniform(size=(3, 80, 100)).astype(np.float32),
              rng.uniform(size=(3, 72, 90)).astype(np.float32)]
    with torch.no_grad(), torch._dynamo.config.patch(disable=True):  # eager roi_align
        expected = reference([torch.tensor(x) for x in images])
    with lucid.no_grad():
        actual = model([lucid.tensor(x) for x in images])
    for a, e in zip(actual, expected):
        assert a["labels"].shape[0] == e["labels"].shape[0] == 100
        np.testing.assert_array_equal(a["labels"].numpy(), e["labels"].numpy())
        np.testing.assert_allclose(a["boxes"].numpy(), e["boxes"].numpy(), atol=1e-3, rtol=1e-4)
        np.testing.assert_allclose(a["scores"].numpy(), e["scores"].numpy(), atol=1e-6,
                                   rtol=1e-4)


def test_from_scratch_layout_matches_torchvision():
    """Without weights both use trainable batch norms (extra ``num_batches_tracked``)."""
    ref = torchvision.models.detection.fasterrcnn_resnet50_fpn(weights=None,
                                                                weights_backbone=None)
    model = faster_rcnn_resnet_50_fpn()
    ref_state, state = ref.state_dict(), model.state_dict()
    assert list(state) == list(ref_state)
    assert all(tuple(state[k].shape) == tuple(v.shape) for k, v in ref_state.items())
    assert sum(p.numel() for p in model.parameters()) == \
        sum(p.numel() for p in ref.parameters()) == 41_808_406
    trainable = {k for k, p in model.named_parameters() if p.requires_grad}
    assert trainable == {k for k, p in ref.named_parameters() if p.requires_grad}


@pytest.mark.zoo
def test_faster_rcnn_r18_fpn_matches_torchvision(monkeypatch):
    """The same detector on a ResNet-18 body (basic blocks: other FPN input widths)."""
    reference = _reference(monkeypatch, 18)
    model = FasterRCNNLucid(BackboneWithFPN(freeze_batch_norm(resnet_18()), 3), 91, **_OPTIONS)
    _check(model, reference)


def test_faster_rcnn_r50_fpn_matches_torchvision(monkeypatch):
    reference = _reference(monkeypatch, 50)
    model = faster_rcnn_resnet_50_fpn(frozen_batch_norm=True, **_OPTIONS)
    n_params = sum(p.numel() for p in model.parameters())
    assert n_params == sum(p.numel() for p in reference.parameters()) == 41_755_286
    _check(model, reference)
