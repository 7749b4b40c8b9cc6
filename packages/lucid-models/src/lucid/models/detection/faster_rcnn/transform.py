"""Input/output transform of torchvision's detection models (``GeneralizedRCNNTransform``).

Each image ``(3, H, W)`` is normalised with ``(x - mean) / std``, resized bilinearly by
``s = min(min_size / min(H, W), max_size / max(H, W))`` to ``floor(H s) x floor(W s)``
(targets' boxes scaled alike), and the batch is zero-padded bottom/right to a multiple of
``size_divisible``. Detections are mapped back by the per-axis ratio original / resized.
"""

from __future__ import annotations

import math

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.nn import functional as F

__all__ = ["RCNNTransform"]


class RCNNTransform(nn.Module):
    def __init__(self, min_size: int = 800, max_size: int = 1333,
                 image_mean=(0.485, 0.456, 0.406), image_std=(0.229, 0.224, 0.225),
                 size_divisible: int = 32) -> None:
        super().__init__()
        self.min_size = min_size if isinstance(min_size, int) else tuple(min_size)[-1]
        self.max_size, self.size_divisible = max_size, size_divisible
        self.image_mean, self.image_std = tuple(image_mean), tuple(image_std)

    def _resize(self, image, target):
        h, w = image.shape[-2:]
        scale = min(self.min_size / min(h, w), self.max_size / max(h, w))
        size = (int(math.floor(h * scale)), int(math.floor(w * scale)))
        image = F.interpolate(image[None], size=size, mode="bilinear", align_corners=False)[0]
        if target is not None and "boxes" in target:
            ry, rx = size[0] / h, size[1] / w
            ratio = lucid.tensor([rx, ry, rx, ry], dtype=target["boxes"].dtype)
            target = {**target, "boxes": target["boxes"] * ratio}
        return image, target

    def forward(self, images, targets=None):
        """Padded batch ``(N, 3, H', W')``, resized sizes ``[(h, w)]``, resized targets."""
        images = list(images)
        out, sizes, new_targets = [], [], []
        for i, img in enumerate(images):
            if img.ndim != 3:
                raise ShapeError(f"RCNNTransform: images must be (C, H, W), got "
                                 f"{tuple(img.shape)}")
            mean = lucid.tensor(self.image_mean, dtype=img.dtype).reshape(-1, 1, 1)
            std = lucid.tensor(self.image_std, dtype=img.dtype).reshape(-1, 1, 1)
            img, t = self._resize((img - mean) / std, None if targets is None else targets[i])
            out.append(img)
            sizes.append(tuple(img.shape[-2:]))
            new_targets.append(t)
        d = self.size_divisible
        ph = int(math.ceil(max(s[0] for s in sizes) / d) * d)
        pw = int(math.ceil(max(s[1] for s in sizes) / d) * d)
        batch = lucid.stack([F.pad(img, (0, pw - img.shape[-1], 0, ph - img.shape[-2]))
                             for img in out])
        return batch, sizes, (None if targets is None else new_targets)

    @staticmethod
    def postprocess(detections, sizes, original_sizes):
        for det, (h, w), (oh, ow) in zip(detections, sizes, original_sizes):
            rx, ry = ow / w, oh / h
            det["boxes"] = det["boxes"] * lucid.tensor([rx, ry, rx, ry],
                                                       dtype=det["boxes"].dtype)
        return detections
