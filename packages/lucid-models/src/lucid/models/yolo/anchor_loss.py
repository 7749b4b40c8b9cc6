"""The training loss of the anchor-based YOLOs (v2, v3, v4).

Each head ``s`` predicts, per cell ``(j, i)`` of its ``H_s x W_s`` grid (stride ``r_s``) and
per anchor ``a`` of size ``(p_w, p_h)`` pixels, raw ``(t_x, t_y, t_w, t_h, t_o, t_c...)``::

    b_x = (sigmoid(t_x) + i) r_s    b_y = (sigmoid(t_y) + j) r_s
    b_w = p_w exp(t_w)              b_h = p_h exp(t_h)     objectness sigmoid(t_o)

Assignment (Redmon & Farhadi 2017/2018): a ground-truth box is handled by the anchor, over
all heads, whose shape (both centred) has the highest IoU with it, at the cell holding its
centre. Targets there: ``sigmoid(t_x) = x / r - i``, ``t_w = log(w / p_w)``, objectness 1,
its class. Predictions elsewhere whose decoded box overlaps some ground truth with IoU
``> ignore_thresh`` get no objectness loss; all others are negatives (objectness 0).

Terms, summed and divided by the batch size:

- box, ``"mse"`` (v2, v3): ``(2 - wh / WH) [(sigmoid(t_xy) - t*_xy)^2 + (t_wh - t*_wh)^2]``;
  ``"ciou"`` (v4, Bochkovskiy et al. 2020): ``1 - CIoU(b, b*)`` with
  ``CIoU = IoU - rho^2 / c^2 - alpha v``, ``v = 4 / pi^2 (atan(w*/h*) - atan(w/h))^2``,
  ``alpha = v / (1 - IoU + v)`` (held constant, as in the reference implementation);
- objectness: ``"mse"`` (v2) ``(sigmoid(t_o) - 1)^2`` on positives plus
  ``noobj_weight sigmoid(t_o)^2`` on negatives, ``"bce"`` (v3, v4) binary cross-entropy;
- class: ``"softmax"`` (v2) cross-entropy of ``softmax(t_c)``, ``"sigmoid"`` (v3, v4)
  per-class binary cross-entropy (multi-label), on positives.
"""

from __future__ import annotations

import math

import numpy as np

import lucid
import lucid.nn.functional as F

__all__ = ["anchor_yolo_loss", "head_view"]


def head_view(raw, num_anchors: int):
    """``(N, A (5 + C), H, W)`` raw output to ``(N, A, H, W, 5 + C)``."""
    n, ch, h, w = raw.shape
    return raw.reshape(n, num_anchors, ch // num_anchors, h, w).permute(0, 1, 3, 4, 2)


def _wh_iou(wh, anchors):
    inter = np.minimum(wh[:, None, 0], anchors[None, :, 0]) * \
        np.minimum(wh[:, None, 1], anchors[None, :, 1])
    union = wh[:, None].prod(-1) + anchors[None].prod(-1) - inter
    return inter / union


def _iou_xyxy(a, b):
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).prod(-1)
    return inter / (area_a[:, None] + area_b[None] - inter + 1e-9)


def _decoded_xyxy(view_np, anchors, stride):
    """Host copy of the decoded boxes of one head, ``(N, A, H, W, 4)`` xyxy."""
    n, a, h, w, _ = view_np.shape
    gy, gx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    sig = 1 / (1 + np.exp(-view_np[..., :2]))
    cx = (sig[..., 0] + gx) * stride
    cy = (sig[..., 1] + gy) * stride
    tw = np.minimum(view_np[..., 2:4], 8.0)
    bw = anchors[None, :, None, None, 0] * np.exp(tw[..., 0])
    bh = anchors[None, :, None, None, 1] * np.exp(tw[..., 1])
    return np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], -1)


def _assign(views_np, anchors, strides, targets, image_hw, ignore_thresh):
    """Per head: positive indices, their targets, and the negative masks."""
    flat = np.concatenate(anchors)
    head_of = np.concatenate([[s] * len(a) for s, a in enumerate(anchors)])
    local = np.concatenate([np.arange(len(a)) for a in anchors])
    pos = [[] for _ in anchors]
    neg = [np.ones(v.shape[:4], bool) for v in views_np]
    decoded = [_decoded_xyxy(v, anc, r) for v, anc, r in zip(views_np, anchors, strides)]
    for n, (boxes, labels) in enumerate(targets):
        if not len(boxes):
            continue
        for s, dec in enumerate(decoded):
            overlap = _iou_xyxy(dec[n].reshape(-1, 4), boxes).max(1)
            neg[s][n] &= overlap.reshape(neg[s][n].shape) <= ignore_thresh
        wh = np.clip(boxes[:, 2:] - boxes[:, :2], 1e-3, None)
        centre = (boxes[:, :2] + boxes[:, 2:]) / 2
        best = _wh_iou(wh, flat).argmax(1)
        for k, b in enumerate(best):
            s, a, r = head_of[b], local[b], strides[head_of[b]]
            h, w = views_np[s].shape[2:4]
            i = min(int(centre[k, 0] // r), w - 1)
            j = min(int(centre[k, 1] // r), h - 1)
            neg[s][n, a, j, i] = False
            pos[s].append((n, a, j, i, centre[k, 0] / r - i, centre[k, 1] / r - j,
                           math.log(wh[k, 0] / anchors[s][a][0]),
                           math.log(wh[k, 1] / anchors[s][a][1]),
                           2.0 - wh[k].prod() / (image_hw[0] * image_hw[1]),
                           labels[k], *boxes[k]))
    return [np.asarray(p, np.float64).reshape(-1, 14) for p in pos], neg


def _ciou_loss(pred_xyxy, gt_xyxy):
    """``1 - CIoU`` of matching rows of two ``(K, 4)`` xyxy tensors."""
    eps = 1e-7
    pw = pred_xyxy[:, 2] - pred_xyxy[:, 0]
    ph = pred_xyxy[:, 3] - pred_xyxy[:, 1]
    gw = gt_xyxy[:, 2] - gt_xyxy[:, 0]
    gh = gt_xyxy[:, 3] - gt_xyxy[:, 1]
    iw = (lucid.minimum(pred_xyxy[:, 2], gt_xyxy[:, 2])
          - lucid.maximum(pred_xyxy[:, 0], gt_xyxy[:, 0])).clamp(min=0)
    ih = (lucid.minimum(pred_xyxy[:, 3], gt_xyxy[:, 3])
          - lucid.maximum(pred_xyxy[:, 1], gt_xyxy[:, 1])).clamp(min=0)
    inter = iw * ih
    iou = inter / (pw * ph + gw * gh - inter + eps)
    cw = lucid.maximum(pred_xyxy[:, 2], gt_xyxy[:, 2]) - lucid.minimum(pred_xyxy[:, 0],
                                                                      gt_xyxy[:, 0])
    ch = lucid.maximum(pred_xyxy[:, 3], gt_xyxy[:, 3]) - lucid.minimum(pred_xyxy[:, 1],
                                                                      gt_xyxy[:, 1])
    rho2 = ((pred_xyxy[:, 0] + pred_xyxy[:, 2] - gt_xyxy[:, 0] - gt_xyxy[:, 2]) ** 2
            + (pred_xyxy[:, 1] + pred_xyxy[:, 3] - gt_xyxy[:, 1] - gt_xyxy[:, 3]) ** 2) / 4
    v = (4 / math.pi ** 2) * (lucid.atan(gw / (gh + eps)) - lucid.atan(pw / (ph + eps))) ** 2
    alpha = (v / (1 - iou + v + eps)).detach()
    return 1 - (iou - rho2 / (cw ** 2 + ch ** 2 + eps) - alpha * v)


def anchor_yolo_loss(outputs, anchors, targets, image_hw, num_classes: int, box: str = "mse",
                     objectness: str = "bce", classes: str = "sigmoid",
                     ignore_thresh: float = 0.5, noobj_weight: float = 1.0) -> dict:
    """``{"loss_box", "loss_obj", "loss_cls", "loss"}`` of raw head ``outputs`` (see the
    module docstring); ``anchors``: per head, ``(A, 2)`` pixel sizes."""
    anchors = [np.asarray(a, np.float64).reshape(-1, 2) for a in anchors]
    views = [head_view(o, len(a)) for o, a in zip(outputs, anchors)]
    strides = [image_hw[0] / v.shape[2] for v in views]
    views_np = [v.detach().numpy().astype(np.float64) for v in views]
    pos, neg = _assign(views_np, anchors, strides, targets, image_hw, ignore_thresh)
    batch = views[0].shape[0]
    loss_box = loss_obj = loss_cls = 0.0
    for view, p, ng, anc, r in zip(views, pos, neg, anchors, strides):
        dev = view.device
        negatives = lucid.tensor(ng.astype(np.float32), device=dev)
        logit_o = view[..., 4]
        if objectness == "mse":
            loss_obj = loss_obj + noobj_weight * (logit_o.sigmoid() ** 2 * negatives).sum()
        else:
            loss_obj = loss_obj + (F.binary_cross_entropy_with_logits(
                logit_o, lucid.zeros_like(logit_o), reduction="none") * negatives).sum()
        if not len(p):
            continue
        n, a, j, i = (p[:, k].astype(np.int64) for k in range(4))
        sel = view[n, a, j, i]  # (K, 5 + C)
        txy = lucid.tensor(p[:, 4:6].astype(np.float32), device=dev)
        twh = lucid.tensor(p[:, 6:8].astype(np.float32), device=dev)
        weight = lucid.tensor(p[:, 8].astype(np.float32), device=dev)
        if box == "ciou":
            grid = lucid.tensor(np.stack([i, j], 1).astype(np.float32), device=dev)
            size = lucid.tensor(anc[a].astype(np.float32), device=dev)
            centre = (sel[:, 0:2].sigmoid() + grid) * r
            wh = size * sel[:, 2:4].clamp(max=8.0).exp()
            pred = lucid.concatenate([centre - wh / 2, centre + wh / 2], axis=1)
            gt = lucid.tensor(p[:, 10:14].astype(np.float32), device=dev)
            loss_box = loss_box + _ciou_loss(pred, gt).sum()
        else:
            err = ((sel[:, 0:2].sigmoid() - txy) ** 2).sum(axis=1) + \
                ((sel[:, 2:4] - twh) ** 2).sum(axis=1)
            loss_box = loss_box + (weight * err).sum()
        if objectness == "mse":
            loss_obj = loss_obj + ((sel[:, 4].sigmoid() - 1) ** 2).sum()
        else:
            loss_obj = loss_obj + F.binary_cross_entropy_with_logits(
                sel[:, 4], lucid.ones_like(sel[:, 4]), reduction="sum")
        onehot = np.eye(num_classes, dtype=np.float32)[p[:, 9].astype(np.int64)]
        onehot = lucid.tensor(onehot, device=dev)
        if classes == "softmax":
            loss_cls = loss_cls - (F.log_softmax(sel[:, 5:], axis=-1) * onehot).sum()
        else:
            loss_cls = loss_cls + F.binary_cross_entropy_with_logits(sel[:, 5:], onehot,
                                                                     reduction="sum")
    zero = outputs[0].sum() * 0
    losses = {k: (v if not isinstance(v, float) else zero) / batch for k, v in
              (("loss_box", loss_box), ("loss_obj", loss_obj), ("loss_cls", loss_cls))}
    losses["loss"] = losses["loss_box"] + losses["loss_obj"] + losses["loss_cls"]
    return losses
