"""YOLO decoding, target encoding and post-processing against hand-computed values."""

import math

import numpy as np

import lucid
from lucid.models.yolo import YOLO_V1, YOLO_V3
from lucid.models.yolo.anchor_loss import anchor_yolo_loss
from lucid.models.yolo.postprocess import to_detections

ANCHORS = (((40, 40), (20, 30), (30, 20)), ((8, 8), (12, 6), (6, 12)))  # stride 32, 16


def _logit(p):
    return math.log(p / (1 - p))


def test_anchor_decode_hand_values():
    """Head 0 (stride 32 on 64 px: 2x2 cells), anchor 1 (20, 30), cell (j=1, i=0):
    t = (logit .25, logit .5, log 2, 0) -> centre (8, 48), size (40, 30)."""
    model = YOLO_V3(num_classes=2, tiny=True, anchors=ANCHORS)
    raw0 = np.zeros((1, 3, 7, 2, 2), np.float32)
    raw0[0, 1, :4, 1, 0] = [_logit(0.25), 0.0, math.log(2), 0.0]
    raw1 = np.zeros((1, 21, 4, 4), np.float32)
    boxes, scores = model.decode([lucid.tensor(raw0.reshape(1, 21, 2, 2)),
                                  lucid.tensor(raw1)], (64, 64))
    # order: head 0, anchor-major, then rows, then columns -> anchor 1, (1, 0) = 4 + 2
    np.testing.assert_allclose(boxes.numpy()[0, 6], [8 - 20, 48 - 15, 8 + 20, 48 + 15],
                               atol=1e-4)
    np.testing.assert_allclose(scores.numpy()[0, 6], [0.25, 0.25], atol=1e-6)  # .5 * .5
    assert boxes.shape == (1, 3 * 4 + 3 * 16, 4)


def test_perfect_prediction_has_zero_box_loss():
    """Raw outputs set to the encoded target give box loss 0 (assignment and encoding
    agree with the decoder): box (14, 30)-(34, 58), centre (24, 44), size (20, 28);
    best anchor by shape IoU is (20, 30) on the stride-32 head, cell (j=1, i=0)."""
    c = 2
    raw0 = np.zeros((1, 3, 5 + c, 2, 2), np.float32)
    raw0[0, 1, :4, 1, 0] = [_logit(24 / 32), _logit(44 / 32 - 1), 0.0, math.log(28 / 30)]
    raw1 = np.zeros((1, 3 * (5 + c), 4, 4), np.float32)
    outputs = [lucid.tensor(raw0.reshape(1, -1, 2, 2)), lucid.tensor(raw1)]
    targets = [(np.array([[14.0, 30, 34, 58]]), np.array([1]))]
    losses = anchor_yolo_loss(outputs, ANCHORS, targets, (64, 64), c, box="mse")
    assert abs(losses["loss_box"].item()) < 1e-8
    ciou = anchor_yolo_loss(outputs, ANCHORS, targets, (64, 64), c, box="ciou")
    assert abs(ciou["loss_box"].item()) < 1e-5
    raw0[0, 1, 2, 1, 0] = 0.5  # a wrong width: positive loss
    outputs[0] = lucid.tensor(raw0.reshape(1, -1, 2, 2))
    assert anchor_yolo_loss(outputs, ANCHORS, targets, (64, 64), c)["loss_box"].item() > 0.2


def test_v1_decode_hand_values():
    """S = 2 on 64 px: cell (j=0, i=1), predictor 1 = (x .5, y .25, w .5, h .25, C .8),
    class probabilities (.1, .9) -> box (32, 0)-(64, 16), score .72 for class 1."""
    model = YOLO_V1(num_classes=2, split_size=2, tiny=True)
    pred = np.zeros((1, 2, 2, 12))
    pred[0, 0, 1, 5:10] = [0.5, 0.25, 0.5, 0.25, 0.8]
    pred[0, 0, 1, 10:] = [0.1, 0.9]
    boxes = model._boxes(pred, (64, 64))
    np.testing.assert_allclose(boxes[0, 0, 1, 1], [32, 0, 64, 16])


def test_to_detections_nms_per_class():
    boxes = np.array([[[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [50, 50, 60, 60.]]])
    scores = np.array([[[0.9, 0], [0.8, 0], [0, 0.7], [0.05, 0]]])
    (det,) = to_detections(boxes, scores, score_thresh=0.1, nms_thresh=0.5)
    # box 1 overlaps box 0 (IoU 0.68) in class 0 -> suppressed; box 2 is class 1; box 3 low
    np.testing.assert_allclose(det["scores"].numpy(), [0.9, 0.7])
    np.testing.assert_array_equal(det["labels"].numpy(), [0, 1])
    np.testing.assert_allclose(det["boxes"].numpy(), boxes[0, [0, 2]])
