"""Region proposal network (Ren et al., "Faster R-CNN", NeurIPS 2015), torchvision's
``RPNHead`` + ``RegionProposalNetwork``.

Head, shared by the levels: 3x3 conv + ReLU, then 1x1 convs to ``A`` objectness logits and
``4A`` box deltas per cell. Proposals: decode the deltas on the anchors; per level keep the
``pre_nms_top_n`` highest logits; per image clip to the image, drop boxes under 1e-3 px,
NMS per level at ``nms_thresh``, keep ``post_nms_top_n``. Training loss: anchors matched to
ground truth (IoU >= 0.7 foreground, < 0.3 background, best anchor of each box foreground),
256 sampled per image (half positive): binary cross-entropy on objectness + smooth-L1
(beta 1/9, summed, divided by the number sampled) on foreground deltas.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models.detection.box_coder import BoxCoder
from lucid.models.detection.matcher import BETWEEN, BalancedPositiveNegativeSampler, Matcher
from lucid.models.detection.ops import (
    AnchorGenerator,
    batched_nms,
    box_iou,
    clip_boxes_to_image,
    remove_small_boxes,
)
from lucid.nn import functional as F

__all__ = ["RPNHead", "RegionProposalNetwork", "flatten_levels"]


class RPNHead(nn.Module):
    def __init__(self, in_channels: int, num_anchors: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Sequential(nn.Conv2d(in_channels, in_channels, 3, padding=1),
                                                nn.ReLU()))
        self.cls_logits = nn.Conv2d(in_channels, num_anchors, 1)
        self.bbox_pred = nn.Conv2d(in_channels, num_anchors * 4, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, std=0.01)
                nn.init.constant_(m.bias, 0.0)

    def forward(self, feats):
        logits, deltas = [], []
        for f in feats:
            t = self.conv(f)
            logits.append(self.cls_logits(t))
            deltas.append(self.bbox_pred(t))
        return logits, deltas


def flatten_levels(maps, per_anchor: int):
    """``(N, A*C, H, W)`` maps -> ``(N, sum H*W*A, C)``, anchors of a cell contiguous."""
    out = []
    for m in maps:
        n, ac, h, w = m.shape
        out.append(m.reshape(n, ac // per_anchor, per_anchor, h, w).permute(0, 3, 4, 1, 2)
                   .reshape(n, -1, per_anchor))
    return lucid.cat(out, dim=1)


class RegionProposalNetwork(nn.Module):
    def __init__(self, anchor_generator: AnchorGenerator, head: RPNHead, *,
                 fg_iou_thresh=0.7, bg_iou_thresh=0.3, batch_size_per_image=256,
                 positive_fraction=0.5, pre_nms_top_n=None, post_nms_top_n=None,
                 nms_thresh=0.7, score_thresh=0.0) -> None:
        super().__init__()
        self.anchor_generator, self.head = anchor_generator, head
        self.box_coder = BoxCoder((1.0, 1.0, 1.0, 1.0))
        self.matcher = Matcher(fg_iou_thresh, bg_iou_thresh, allow_low_quality_matches=True)
        self.sampler = BalancedPositiveNegativeSampler(batch_size_per_image, positive_fraction)
        self._pre = pre_nms_top_n or {"training": 2000, "testing": 1000}
        self._post = post_nms_top_n or {"training": 2000, "testing": 1000}
        self.nms_thresh, self.score_thresh, self.min_size = nms_thresh, score_thresh, 1e-3

    def _mode(self) -> str:
        return "training" if self.training else "testing"

    def forward(self, padded_size, image_sizes, feats, targets=None):
        """Proposals (one ``(P_i, 4)`` tensor per image) and the loss dict (training)."""
        logits, deltas = self.head(feats)
        anchors = self.anchor_generator(padded_size, feats)
        per_level = [lg.shape[1] * lg.shape[2] * lg.shape[3] for lg in logits]
        objectness = flatten_levels(logits, 1)[..., 0]             # (N, A_total)
        box_deltas = flatten_levels(deltas, 4)                     # (N, A_total, 4)
        n = objectness.shape[0]
        proposals = [self.box_coder.decode(box_deltas[i].detach(), anchors)[:, 0]
                     for i in range(n)]
        boxes = self._filter(proposals, objectness.detach(), image_sizes, per_level)
        losses = {}
        if self.training:
            if targets is None:
                raise ValueError("RegionProposalNetwork: targets are required in training")
            losses = self._loss(objectness, box_deltas, anchors, targets)
        return boxes, losses

    def _filter(self, proposals, objectness, image_sizes, per_level):
        scores_all = objectness.numpy()
        levels = np.concatenate([np.full(k, i) for i, k in enumerate(per_level)])
        starts = np.cumsum([0, *per_level])
        out = []
        for i, props in enumerate(proposals):
            idx = []
            for lvl in range(len(per_level)):
                s = scores_all[i, starts[lvl]:starts[lvl + 1]]
                k = min(self._pre[self._mode()], s.size)
                top = lucid.topk(lucid.tensor(s), k).indices.numpy()
                idx.append(top + starts[lvl])
            idx = np.concatenate(idx)
            sel = lucid.tensor(idx, dtype=lucid.int64, device=props.device)
            b = clip_boxes_to_image(lucid.index_select(props, 0, sel), image_sizes[i])
            sc = lucid.sigmoid(lucid.tensor(scores_all[i, idx]))
            lv = levels[idx]
            keep = remove_small_boxes(b, self.min_size).numpy()
            keep = keep[sc.numpy()[keep] >= self.score_thresh]
            kt = lucid.tensor(keep, dtype=lucid.int64, device=props.device)
            b, sc = lucid.index_select(b, 0, kt), lucid.index_select(sc, 0, kt)
            k2 = batched_nms(b, sc, lucid.tensor(lv[keep]), self.nms_thresh)
            k2 = k2[: self._post[self._mode()]]
            out.append(lucid.index_select(b, 0, k2))
        return out

    def _loss(self, objectness, box_deltas, anchors, targets):
        labels, regress = [], []
        for t in targets:
            gt = t["boxes"]
            matches = self.matcher(box_iou(gt, anchors).numpy() if gt.shape[0]
                                   else np.zeros((0, anchors.shape[0])))
            lab = (matches >= 0).astype(np.float32)
            lab[matches == BETWEEN] = -1
            pos, neg = self.sampler(lab)
            labels.append((lab, pos, neg))
            if gt.shape[0]:
                matched = lucid.index_select(gt, 0, lucid.tensor(np.maximum(matches, 0)))
                regress.append(self.box_coder.encode(matched, anchors))
            else:
                regress.append(lucid.zeros(tuple(anchors.shape)))
        sampled = sum(int(p.sum() + ng.sum()) for _, p, ng in labels)
        cls_losses, box_losses = [], []
        for i, (lab, pos, neg) in enumerate(labels):
            sel = np.nonzero(pos | neg)[0]
            st = lucid.tensor(sel, dtype=lucid.int64)
            cls_losses.append(F.binary_cross_entropy_with_logits(
                lucid.index_select(objectness[i], 0, st), lucid.tensor(lab[sel]),
                reduction="sum"))
            if pos.any():
                pt = lucid.tensor(np.nonzero(pos)[0], dtype=lucid.int64)
                box_losses.append(F.smooth_l1_loss(
                    lucid.index_select(box_deltas[i], 0, pt),
                    lucid.index_select(regress[i], 0, pt), beta=1 / 9, reduction="sum"))
        denom = max(sampled, 1)
        loss_box = (sum(box_losses) / denom if box_losses
                    else (box_deltas * 0.0).sum())
        return {"loss_objectness": sum(cls_losses) / denom, "loss_rpn_box_reg": loss_box}
