"""Box branch of Faster R-CNN with FPN, torchvision's ``MultiScaleRoIAlign`` + ``TwoMLPHead``
+ ``FastRCNNPredictor`` + ``RoIHeads``.

Pooling: a proposal of area ``a`` goes to pyramid level ``floor(4 + log2(sqrt(a) / 224))``
clamped to the levels present (P2..P5), and is RoIAligned there to 7x7 (sampling ratio 2) at
that level's scale ``2 ** round(log2(feature_size / image_size))``. Head: flatten, two
1024-wide fully connected layers with ReLU; predictor: class logits and per-class box deltas
(coder weights 10, 10, 5, 5). Training: proposals + ground-truth boxes matched at IoU 0.5,
512 sampled per image (a quarter positive), cross-entropy + smooth-L1 (beta 1/9, summed over
foreground, divided by the number sampled). Inference: softmax, per-class decoding, clip,
drop background, scores <= ``score_thresh``, boxes under 1e-2 px, per-class NMS, keep the
best ``detections_per_img``.
"""

from __future__ import annotations

import math

import numpy as np

import lucid
from lucid import nn
from lucid.models.detection.box_coder import BoxCoder
from lucid.models.detection.matcher import BalancedPositiveNegativeSampler, Matcher
from lucid.models.detection.ops import (
    batched_nms,
    box_area,
    box_iou,
    clip_boxes_to_image,
    remove_small_boxes,
    roi_align,
)
from lucid.nn import functional as F

__all__ = ["MultiScaleRoIAlign", "TwoMLPHead", "FastRCNNPredictor", "RoIHeads"]


class MultiScaleRoIAlign(nn.Module):
    def __init__(self, output_size: int = 7, sampling_ratio: int = 2,
                 canonical_scale: int = 224, canonical_level: int = 4) -> None:
        super().__init__()
        self.output_size, self.sampling_ratio = output_size, sampling_ratio
        self.canonical_scale, self.canonical_level = canonical_scale, canonical_level

    def forward(self, feats, proposals, image_sizes):
        max_h = max(s[0] for s in image_sizes)
        max_w = max(s[1] for s in image_sizes)
        scales = []
        for f in feats:
            approx = [f.shape[-2] / max_h, f.shape[-1] / max_w]
            scales.append(2.0 ** round(math.log2(approx[0])))
        k_min, k_max = -math.log2(scales[0]), -math.log2(scales[-1])
        boxes = lucid.cat(proposals, dim=0) if len(proposals) > 1 else proposals[0]
        ids = np.concatenate([np.full(p.shape[0], i, np.float32)
                              for i, p in enumerate(proposals)])
        rois = lucid.cat([lucid.tensor(ids[:, None], dtype=boxes.dtype), boxes.detach()], dim=1)
        area = np.sqrt(box_area(boxes).numpy().astype(np.float32))
        lvl = np.floor(np.float32(self.canonical_level)
                       + np.log2(area / np.float32(self.canonical_scale)) + np.float32(1e-6))
        lvl = (np.clip(lvl, k_min, k_max) - k_min).astype(np.int64)
        pieces, order = [], []
        for level, (f, scale) in enumerate(zip(feats, scales)):
            idx = np.nonzero(lvl == level)[0]
            if idx.size == 0:
                continue
            sel = lucid.index_select(rois, 0, lucid.tensor(idx, dtype=lucid.int64))
            pieces.append(roi_align(f, sel, self.output_size, scale, self.sampling_ratio))
            order.append(idx)
        out = lucid.cat(pieces, dim=0)
        inverse = np.argsort(np.concatenate(order))
        return lucid.index_select(out, 0, lucid.tensor(inverse, dtype=lucid.int64))


class TwoMLPHead(nn.Module):
    def __init__(self, in_channels: int, representation_size: int = 1024) -> None:
        super().__init__()
        self.fc6 = nn.Linear(in_channels, representation_size)
        self.fc7 = nn.Linear(representation_size, representation_size)

    def forward(self, x):
        return F.relu(self.fc7(F.relu(self.fc6(x.flatten(1)))))


class FastRCNNPredictor(nn.Module):
    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.cls_score = nn.Linear(in_channels, num_classes)
        self.bbox_pred = nn.Linear(in_channels, num_classes * 4)

    def forward(self, x):
        return self.cls_score(x), self.bbox_pred(x)


class RoIHeads(nn.Module):
    def __init__(self, box_roi_pool, box_head, box_predictor, *, fg_iou_thresh=0.5,
                 bg_iou_thresh=0.5, batch_size_per_image=512, positive_fraction=0.25,
                 score_thresh=0.05, nms_thresh=0.5, detections_per_img=100) -> None:
        super().__init__()
        self.box_roi_pool, self.box_head, self.box_predictor = box_roi_pool, box_head, \
            box_predictor
        self.box_coder = BoxCoder((10.0, 10.0, 5.0, 5.0))
        self.matcher = Matcher(fg_iou_thresh, bg_iou_thresh, allow_low_quality_matches=False)
        self.sampler = BalancedPositiveNegativeSampler(batch_size_per_image, positive_fraction)
        self.score_thresh, self.nms_thresh = score_thresh, nms_thresh
        self.detections_per_img = detections_per_img

    def forward(self, feats, proposals, image_sizes, targets=None):
        if self.training:
            if targets is None:
                raise ValueError("RoIHeads: targets are required in training")
            proposals, labels, regress = self._sample(proposals, targets)
        x = self.box_head(self.box_roi_pool(feats, proposals, image_sizes))
        logits, deltas = self.box_predictor(x)
        if self.training:
            return [], self._loss(logits, deltas, labels, regress)
        return self._postprocess(logits, deltas, proposals, image_sizes), {}

    def _sample(self, proposals, targets):
        out_p, out_l, out_r = [], [], []
        for props, t in zip(proposals, targets):
            gt, gl = t["boxes"], t["labels"]
            props = lucid.cat([props.detach(), gt.detach()], dim=0)
            if gt.shape[0]:
                matches = self.matcher(box_iou(gt, props).numpy())
                lab = gl.numpy()[np.maximum(matches, 0)].astype(np.int64)
            else:
                matches = np.full(props.shape[0], -1)
                lab = np.zeros(props.shape[0], np.int64)
            lab[matches == -1] = 0
            lab[matches == -2] = -1
            pos, neg = self.sampler(lab)
            sel = lucid.tensor(np.nonzero(pos | neg)[0], dtype=lucid.int64)
            props = lucid.index_select(props, 0, sel)
            mi = np.maximum(matches, 0)[sel.numpy()]
            gtb = (lucid.index_select(gt, 0, lucid.tensor(mi, dtype=lucid.int64))
                   if gt.shape[0] else props)
            out_p.append(props)
            out_l.append(lab[sel.numpy()])
            out_r.append(self.box_coder.encode(gtb.detach(), props))
        return out_p, np.concatenate(out_l), lucid.cat(out_r, dim=0)

    def _loss(self, logits, deltas, labels, regress):
        cls = F.cross_entropy(logits, lucid.tensor(labels, dtype=lucid.int64))
        pos = np.nonzero(labels > 0)[0]
        k = deltas.shape[1] // 4
        if pos.size:
            flat = deltas.reshape(-1, 4)
            rows = lucid.tensor(pos * k + labels[pos], dtype=lucid.int64)
            box = F.smooth_l1_loss(lucid.index_select(flat, 0, rows),
                                   lucid.index_select(regress, 0, lucid.tensor(pos)),
                                   beta=1 / 9, reduction="sum") / labels.size
        else:
            box = (deltas * 0.0).sum()
        return {"loss_classifier": cls, "loss_box_reg": box}

    def _postprocess(self, logits, deltas, proposals, image_sizes):
        counts = [p.shape[0] for p in proposals]
        props = lucid.cat(proposals, dim=0) if len(proposals) > 1 else proposals[0]
        boxes_all = self.box_coder.decode(deltas, props)
        scores_all = F.softmax(logits, dim=-1)
        results, start = [], 0
        for n, size in zip(counts, image_sizes):
            boxes = clip_boxes_to_image(boxes_all[start:start + n], size)[:, 1:].reshape(-1, 4)
            scores = scores_all[start:start + n, 1:].reshape(-1)
            k = logits.shape[1] - 1
            labels = np.tile(np.arange(1, k + 1), n)
            start += n
            s = scores.numpy()
            keep = np.nonzero(s > self.score_thresh)[0]
            kt = lucid.tensor(keep, dtype=lucid.int64)
            boxes, scores, labels = (lucid.index_select(boxes, 0, kt),
                                     lucid.index_select(scores, 0, kt), labels[keep])
            keep = remove_small_boxes(boxes, 1e-2)
            boxes, scores = lucid.index_select(boxes, 0, keep), lucid.index_select(scores, 0, keep)
            labels = labels[keep.numpy()]
            keep = batched_nms(boxes, scores, lucid.tensor(labels), self.nms_thresh)
            keep = keep[: self.detections_per_img]
            results.append({"boxes": lucid.index_select(boxes, 0, keep),
                            "scores": lucid.index_select(scores, 0, keep),
                            "labels": lucid.tensor(labels[keep.numpy()], dtype=lucid.int64)})
        return results
