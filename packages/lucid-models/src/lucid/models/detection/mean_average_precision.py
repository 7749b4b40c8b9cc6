"""Mean average precision of detections (the COCO protocol at one IoU threshold).

Per class ``c``: every detection of ``c`` (at most ``max_detections`` per image, by score)
over all images, sorted by decreasing score, is a true positive when its best-overlapping
not-yet-matched ground truth of ``c`` in its image has ``IoU >= iou_threshold`` (that
ground truth is then matched), else a false positive. With cumulative counts,
``precision_k = TP_k / k`` and ``recall_k = TP_k / G_c`` (``G_c`` ground truths of ``c``);
precision is made monotone (``p_k = max_{k' >= k} p_k'``) and sampled at the 101 recall
levels ``0, 0.01, ..., 1`` (the first rank reaching each level; 0 beyond the last), and
``AP_c`` is their mean. ``mAP`` averages ``AP_c`` over the classes with a ground truth.
This is COCO's ``AP@[IoU=0.50]`` for ``iou_threshold=0.5`` (pycocotools' ``stats[1]``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["mean_average_precision"]


def _host(v) -> np.ndarray:
    return np.asarray(v.numpy() if hasattr(v, "numpy") else v)


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).prod(-1)
    union = area_a[:, None] + area_b[None] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _average_precision(tp: np.ndarray, n_gt: int) -> float:
    if tp.size == 0:
        return 0.0
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, tp.size + 1)
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    levels = np.linspace(0, 1, 101)
    idx = np.searchsorted(recall, levels, side="left")
    sampled = np.where(idx < precision.size, precision[np.minimum(idx, precision.size - 1)], 0)
    return float(sampled.mean())


def mean_average_precision(predictions, targets, iou_threshold: float = 0.5,
                           max_detections: int = 100) -> dict:
    """``{"map": float, "per_class": {label: AP}}`` of per-image ``predictions``
    (``boxes`` xyxy, ``scores``, ``labels``) against ``targets`` (``boxes``, ``labels``),
    torchvision's detection format (tensors or arrays). ``map`` is NaN without any
    ground truth."""
    if len(predictions) != len(targets):
        raise ValueError(f"mean_average_precision: {len(predictions)} predictions for "
                         f"{len(targets)} targets")
    dets, gts = [], []
    for p, t in zip(predictions, targets):
        order = np.argsort(-_host(p["scores"]), kind="stable")[:max_detections]
        dets.append((_host(p["boxes"]).reshape(-1, 4)[order], _host(p["scores"])[order],
                     _host(p["labels"]).reshape(-1)[order]))
        gts.append((_host(t["boxes"]).reshape(-1, 4), _host(t["labels"]).reshape(-1)))
    classes = np.unique(np.concatenate([g[1] for g in gts] or [np.zeros(0)]))
    per_class = {}
    for c in classes:
        n_gt = sum(int((g[1] == c).sum()) for g in gts)
        scores, hits = [], []
        for (boxes, sc, lab), (gboxes, glab) in zip(dets, gts):
            d = boxes[lab == c]
            g = gboxes[glab == c]
            ious = _iou(d, g) if len(d) and len(g) else np.zeros((len(d), len(g)))
            matched = np.zeros(len(g), bool)
            for k in range(len(d)):  # already by decreasing score
                cand = np.where(matched, -1.0, ious[k])
                best = int(cand.argmax()) if len(g) else -1
                hit = best >= 0 and cand[best] >= iou_threshold
                if hit:
                    matched[best] = True
                hits.append(hit)
            scores.append(sc[lab == c])
        order = np.argsort(-np.concatenate(scores), kind="mergesort") if scores else []
        per_class[c.item()] = _average_precision(np.asarray(hits, float)[order], n_gt)
    mean = float(np.mean(list(per_class.values()))) if per_class else float("nan")
    return {"map": mean, "per_class": per_class}
