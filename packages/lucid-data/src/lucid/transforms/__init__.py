"""``lucid.transforms``: image transforms on NumPy arrays, Lucid tensors and whole batches.

    from lucid import transforms as T
    train_tf = T.Compose([T.RandomCrop(32, padding=4, generator=0),
                          T.RandomHorizontalFlip(generator=1),
                          T.ToTensor(),
                          T.Normalize((0.49, 0.48, 0.45), (0.25, 0.24, 0.26))])

NumPy images are channels-last (``HWC``), Lucid tensors channels-first (``CHW``); every
transform also has ``apply_batch`` for a leading batch axis (see
:mod:`lucid.transforms.base`).
"""

from lucid.transforms.base import RandomTransform, SpatialTransform, Transform
from lucid.transforms.color import Grayscale, RandomGrayscale
from lucid.transforms.geometry import (
    CenterCrop,
    Pad,
    RandomCrop,
    RandomHorizontalFlip,
    RandomVerticalFlip,
    Resize,
)
from lucid.transforms.rotation import RandomRotation
from lucid.transforms.tensor import Compose, Lambda, Normalize, ToTensor

__all__ = ["Transform", "RandomTransform", "SpatialTransform", "Compose", "Lambda",
           "ToTensor", "Normalize", "Resize", "CenterCrop", "Pad", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "Grayscale",
           "RandomGrayscale"]
