"""Box ops: hand-computed values, typed errors, both backends."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
from lucid.errors import ShapeError
from lucid.models.detection import ops


def test_iou_and_giou_by_hand():
    a = lucid.tensor([[0.0, 0.0, 2.0, 2.0]])
    b = lucid.tensor([[1.0, 1.0, 3.0, 3.0], [4.0, 0.0, 5.0, 1.0]])
    # overlap 1, union 4 + 4 - 1 = 7; enclosing 3x3 = 9 -> giou = 1/7 - 2/9
    np.testing.assert_allclose(ops.box_iou(a, b).numpy(), [[1 / 7, 0.0]], rtol=1e-6)
    # disjoint: union 5, enclosing 5x2 = 10 -> giou = 0 - 5/10
    np.testing.assert_allclose(ops.generalized_box_iou(a, b).numpy(),
                               [[1 / 7 - 2 / 9, -0.5]], rtol=1e-6)


def test_box_convert_by_hand_and_grad():
    b = lucid.tensor([[1.0, 2.0, 4.0, 6.0]], requires_grad=True)
    out = ops.box_convert(b, "xyxy", "cxcywh")
    np.testing.assert_allclose(out.numpy(), [[2.5, 4.0, 3.0, 4.0]])
    out.sum().backward()  # d(cx+cy+w+h)/d(x1,y1,x2,y2) = (-0.5, -0.5, 1.5, 1.5)
    np.testing.assert_allclose(b.grad.numpy(), [[-0.5, -0.5, 1.5, 1.5]])


def test_nms_by_hand():
    boxes = lucid.tensor([[0.0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]])
    scores = lucid.tensor([0.9, 0.8, 0.7, 0.95])
    # box 3 (best) overlaps 0 with IoU 0.9 and 1 with IoU 72/(90+100-72) = 0.61
    np.testing.assert_array_equal(ops.nms(boxes, scores, 0.5).numpy(), [3, 2])
    np.testing.assert_array_equal(ops.nms(boxes, scores, 0.7).numpy(), [3, 1, 2])
    np.testing.assert_array_equal(
        ops.batched_nms(boxes, scores, lucid.tensor([0, 1, 0, 1]), 0.5).numpy(), [3, 0, 2])


def test_roi_align_outside_samples_are_zero():
    x = lucid.ones((1, 1, 4, 4))
    # region (-3, -3)-(-1.5, -1.5): every sample lies below -1 -> 0 (torchvision's kernel);
    # region (-1, -1)-(0, 0) at 1 sample: point (-0.5, -0.5) clamps to (0, 0) -> 1
    rois = lucid.tensor([[0.0, -3, -3, -1.5, -1.5], [0.0, -1, -1, 0, 0]])
    out = ops.roi_align(x, rois, 1, 1.0, 1, aligned=False).numpy().ravel()
    # the second region is at least 1x1 -> sample at (-0.5, -0.5)
    np.testing.assert_allclose(out, [0.0, 1.0])


def test_roi_align_list_boxes_match_tensor_rois():
    rng = np.random.default_rng(0)
    x = lucid.tensor(rng.standard_normal((2, 2, 8, 8)).astype(np.float32))
    b0 = np.array([[1.0, 1, 5, 6]], np.float32)
    b1 = np.array([[0.0, 2, 7, 7], [2, 2, 4, 4]], np.float32)
    rois = np.concatenate([np.array([[0], [1], [1]], np.float32), np.concatenate([b0, b1])], 1)
    a = ops.roi_align(x, [lucid.tensor(b0), lucid.tensor(b1)], 2, 1.0, 2)
    b = ops.roi_align(x, lucid.tensor(rois), 2, 1.0, 2)
    np.testing.assert_allclose(a.numpy(), b.numpy())


def test_roi_pool_by_hand_and_grad():
    x = lucid.tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4), requires_grad=True)
    out = ops.roi_pool(x, lucid.tensor([[0.0, 0, 0, 3, 3]]), 2)
    np.testing.assert_allclose(out.numpy().ravel(), [5, 7, 13, 15])
    out.sum().backward()
    g = np.zeros(16)
    g[[5, 7, 13, 15]] = 1
    np.testing.assert_allclose(x.grad.numpy().ravel(), g)


def test_anchor_cells_by_hand():
    # size 32, ratio 1 -> (-16, -16, 16, 16); ratio 4 -> h = 64, w = 16
    np.testing.assert_array_equal(ops.cell_anchors((32,), (1.0, 4.0)),
                                  [[-16, -16, 16, 16], [-8, -32, 8, 32]])


def test_errors():
    with pytest.raises(ShapeError, match="box_iou"):
        ops.box_iou(lucid.zeros((3, 5)), lucid.zeros((2, 4)))
    with pytest.raises(ValueError, match="in_fmt"):
        ops.box_convert(lucid.zeros((3, 4)), "xyz", "xyxy")
    with pytest.raises(ShapeError, match="nms"):
        ops.nms(lucid.zeros((3, 4)), lucid.zeros((2,)), 0.5)
    with pytest.raises(ShapeError, match="roi_align"):
        ops.roi_align(lucid.zeros((1, 1, 4, 4)), lucid.zeros((2, 4)), 2)
    with pytest.raises(ValueError, match="batch indices"):
        ops.roi_pool(lucid.zeros((1, 1, 4, 4)), lucid.tensor([[1.0, 0, 0, 2, 2]]), 2)


def test_nan_stays_nan():
    a = lucid.tensor([[0.0, 0.0, float("nan"), 2.0]])
    assert np.isnan(ops.box_iou(a, a).numpy()).all()
