"""A synthetic detection dataset generated on the fly: coloured rectangles and ellipses on a
noisy background, with their boxes (``xyxy`` pixels) and labels (0 rectangle, 1 ellipse),
in torchvision's target format. Deterministic for a given seed."""

from __future__ import annotations

import numpy as np

CLASSES = ("rectangle", "ellipse")


def make_shapes(count: int, size: int = 96, max_objects: int = 3, seed: int = 0,
                min_side: int = 14, max_side: int = 48):
    """``(images (count, 3, size, size) float32 in [0, 1], targets)``; shapes overlap each
    other by at most IoU 0.3 and never leave the image."""
    rng = np.random.default_rng(seed)
    images = np.empty((count, 3, size, size), np.float32)
    targets = []
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    for n in range(count):
        img = rng.uniform(0.0, 0.25, (3, 1, 1)) + rng.normal(0, 0.03, (3, size, size))
        boxes, labels = [], []
        for _ in range(rng.integers(1, max_objects + 1)):
            for _attempt in range(20):
                w, h = rng.integers(min_side, max_side + 1, 2)
                x1, y1 = rng.integers(0, size - w + 1), rng.integers(0, size - h + 1)
                box = np.array([x1, y1, x1 + w, y1 + h], np.float64)
                if all(_iou(box, b) < 0.3 for b in boxes):
                    break
            else:
                continue
            kind = int(rng.integers(0, 2))
            colour = rng.uniform(0.45, 1.0, 3) * (rng.permutation(3) > 0)  # >= 2 channels
            if kind == 0:
                mask = (xx >= box[0]) & (xx < box[2]) & (yy >= box[1]) & (yy < box[3])
            else:
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                mask = ((xx - cx) / (w / 2)) ** 2 + ((yy - cy) / (h / 2)) ** 2 <= 1
            img[:, mask] = colour[:, None]
            boxes.append(box)
            labels.append(kind)
        images[n] = np.clip(img, 0, 1)
        targets.append({"boxes": np.asarray(boxes, np.float32).reshape(-1, 4),
                        "labels": np.asarray(labels, np.int64)})
    return images, targets


def _iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
