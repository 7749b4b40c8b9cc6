"""Preprocessing presets that weight entries return from ``transforms()``.

``ImageClassification`` is torchvision's evaluation preset for ImageNet classifiers:

1. resize so the shorter side is ``resize_size`` (an ``(h, w)`` pair resizes to exactly
   that: timm's "squash" mode; skipped when ``None``),
2. crop the central ``crop_size`` square (skipped when ``None``),
3. scale ``uint8`` pixels to ``[0, 1]`` (``x / 255``), channels first,
4. normalise each channel: ``(x - mean[c]) / std[c]``.

It is built from ``lucid.transforms`` (the ``lucid-data`` package); inputs are NumPy images
``HWC``/``HW`` or batches ``NHWC``/``NHW`` (a PIL image converts with ``np.asarray``), or
Lucid tensors already scaled to ``[0, 1]`` (step 3 then leaves them as they are). Two
departures: ``lucid.transforms.Resize`` does not antialias, where torchvision does when it
downscales, and has no bicubic mode (entries that ask for ``bicubic``, as torchvision's
EfficientNet/ConvNeXt ones, resize bilinearly), so logits differ slightly.
"""

from __future__ import annotations

from dataclasses import dataclass

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ImageClassification:
    """``resize -> center crop -> [0, 1] -> normalise`` (see the module doc)."""

    crop_size: int | None = 224
    resize_size: int | tuple[int, int] | None = 256
    mean: tuple = IMAGENET_MEAN
    std: tuple = IMAGENET_STD
    interpolation: str = "bilinear"

    def pipeline(self):
        """The equivalent ``lucid.transforms.Compose``."""
        try:
            from lucid import transforms as T
        except ImportError:
            raise ImportError("transforms() needs lucid.transforms: pip install lucid-data") \
                from None
        steps = []
        if self.resize_size is not None:
            mode = self.interpolation if self.interpolation == "nearest" else "bilinear"
            steps.append(T.Resize(self.resize_size, interpolation=mode))
        if self.crop_size is not None:
            steps.append(T.CenterCrop(self.crop_size))
        steps += [T.ToTensor(), T.Normalize(self.mean, self.std)]
        return T.Compose(steps)

    def __call__(self, image):
        return self.pipeline()(image)

    def describe(self) -> str:
        return (f"resize the shorter side to {self.resize_size} ({self.interpolation}), "
                f"center crop {self.crop_size}, scale to [0, 1], normalise with mean "
                f"{self.mean} and std {self.std}")
