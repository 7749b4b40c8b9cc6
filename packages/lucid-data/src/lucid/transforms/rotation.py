"""``RandomRotation``: turn each image by a random angle (layouts: see
:mod:`lucid.transforms.base`).

The warp is core's :func:`lucid.ops.grid_sample.rotate` (the same as ``F.rotate``), applied
to the whole batch at once with one angle per sample; pixels that come from outside the
image get ``fill``, as torchvision's: ``out = img * m + (1 - m) * fill`` with ``m`` the
rotated all-ones mask (``nearest``: ``fill`` where ``m < 0.5``). Integer images are
rounded back to their dtype.
"""

from __future__ import annotations

import numpy as np

from lucid.ops.grid_sample import rotate
from lucid.tensor import Tensor
from lucid.transforms.base import RandomTransform, SpatialTransform

__all__ = ["RandomRotation"]


def _degree_range(degrees) -> tuple[float, float]:
    if isinstance(degrees, (int, float)):
        if degrees < 0:
            raise ValueError(f"RandomRotation: degrees must be non-negative, got {degrees}")
        return -float(degrees), float(degrees)
    low, high = (float(d) for d in degrees)
    if low > high:
        raise ValueError(f"RandomRotation: degrees must be (min, max), got {degrees}")
    return low, high


class RandomRotation(SpatialTransform, RandomTransform):
    """Rotate by an angle drawn uniformly from ``degrees`` (``d`` means ``(-d, d)``),
    counter-clockwise, about ``center`` (``(x, y)`` pixels; default the image centre).
    ``interpolation`` is ``"nearest"`` (torchvision's default) or ``"bilinear"``; ``fill``
    is a number or one value per channel."""

    def __init__(self, degrees, interpolation: str = "nearest", expand: bool = False,
                 center=None, fill=0, generator=None) -> None:
        RandomTransform.__init__(self, generator)
        self.degrees = _degree_range(degrees)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"RandomRotation: interpolation must be 'nearest' or 'bilinear', "
                             f"got {interpolation!r}")
        if expand:
            raise ValueError("RandomRotation: expand=True (a larger output) is not supported")
        self.interpolation = interpolation
        self.center = center
        self.fill = fill

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        angles = self.generator.uniform(self.degrees[0], self.degrees[1], size=len(a))
        return rotate_nhwc(a, angles, self.interpolation, self.center, self.fill)


def rotate_nhwc(a: np.ndarray, angles, interpolation: str, center=None, fill=0) -> np.ndarray:
    """``a (N, H, W, C)`` turned by ``angles[n]`` degrees (the warp of ``RandomRotation``)."""
    x = np.moveaxis(a, -1, 1).astype(np.float32)
    ones = np.ones_like(x[:, :1])
    stacked = Tensor(np.concatenate([x, ones], axis=1))
    out = rotate(stacked, [float(t) for t in angles], center, interpolation).numpy()
    img, mask = out[:, :-1], out[:, -1:]
    fill = np.asarray(fill, dtype=np.float32).reshape(1, -1, 1, 1)
    if interpolation == "nearest":
        img = np.where(mask < 0.5, fill, img)
    else:
        img = img * mask + (1.0 - mask) * fill
    img = np.moveaxis(img, 1, -1)
    if a.dtype.kind in "iub":
        info = np.iinfo(a.dtype) if a.dtype.kind != "b" else None
        img = np.round(img)
        if info is not None:
            img = np.clip(img, info.min, info.max)
    return img.astype(a.dtype)
