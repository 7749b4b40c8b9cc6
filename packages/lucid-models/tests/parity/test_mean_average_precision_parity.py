"""``mean_average_precision`` equals pycocotools' COCO AP@IoU=0.50 (``stats[1]``) on the same
random predictions and ground truths."""

import numpy as np
import pytest

from lucid.models.detection.mean_average_precision import mean_average_precision

COCO = pytest.importorskip("pycocotools.coco")
COCOEVAL = pytest.importorskip("pycocotools.cocoeval")


def _random_case(rng, images=12, classes=3):
    preds, targets = [], []
    for _ in range(images):
        k = rng.integers(0, 5)
        xy = rng.uniform(0, 80, (k, 2))
        gt = np.concatenate([xy, xy + rng.uniform(8, 40, (k, 2))], 1)
        labels = rng.integers(0, classes, k)
        # detections: jittered ground truths (some good, some poor) plus clutter
        jitter = gt + rng.normal(0, rng.uniform(0, 8), gt.shape)
        clutter_xy = rng.uniform(0, 80, (rng.integers(0, 4), 2))
        clutter = np.concatenate([clutter_xy, clutter_xy + rng.uniform(8, 40,
                                                                       clutter_xy.shape)], 1)
        boxes = np.concatenate([jitter, clutter])
        boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2] + 1)
        dl = np.concatenate([np.where(rng.random(k) < 0.85, labels, rng.integers(0, classes, k)),
                             rng.integers(0, classes, len(clutter))])
        preds.append({"boxes": boxes, "scores": rng.random(len(boxes)), "labels": dl})
        targets.append({"boxes": gt, "labels": labels})
    return preds, targets


def _coco_ap50(preds, targets):
    gt = {"images": [], "annotations": [], "categories": []}
    dets, ann_id = [], 1
    cats = sorted({int(c) for t in targets for c in t["labels"]} |
                  {int(c) for p in preds for c in p["labels"]})
    gt["categories"] = [{"id": c + 1} for c in cats]
    for i, (p, t) in enumerate(zip(preds, targets)):
        gt["images"].append({"id": i + 1, "width": 200, "height": 200})
        for b, c in zip(t["boxes"], t["labels"]):
            w, h = b[2] - b[0], b[3] - b[1]
            gt["annotations"].append({"id": ann_id, "image_id": i + 1, "category_id": int(c) + 1,
                                      "bbox": [b[0], b[1], w, h], "area": w * h, "iscrowd": 0})
            ann_id += 1
        for b, s, c in zip(p["boxes"], p["scores"], p["labels"]):
            dets.append({"image_id": i + 1, "category_id": int(c) + 1, "score": float(s),
                         "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]]})
    coco = COCO.COCO()
    coco.dataset = gt
    coco.createIndex()
    ev = COCOEVAL.COCOeval(coco, coco.loadRes(dets), "bbox")
    ev.params.areaRng = [[0, 1e10]] * 4  # every size counts in "all" (small boxes too)
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    return ev.stats[1]


@pytest.mark.parametrize("seed", range(4))
def test_map50_equals_pycocotools(seed):
    preds, targets = _random_case(np.random.default_rng(seed))
    ours = mean_average_precision(preds, targets, iou_threshold=0.5)["map"]
    assert ours == pytest.approx(_coco_ap50(preds, targets), abs=1e-9)
