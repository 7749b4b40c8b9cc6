"""Class names of the datasets Lucid's weights were trained on, in label order.

``IMAGENET_CATEGORIES``: the 1,000 ImageNet-1k (ILSVRC-2012) classes, one per line of
``imagenet_categories.txt`` in label order (the names torchvision's weights use).
``FASHION_MNIST_CATEGORIES``: the 10 Fashion-MNIST classes (Xiao et al., 2017).
"""

from __future__ import annotations

from pathlib import Path

IMAGENET_CATEGORIES: tuple[str, ...] = tuple(
    (Path(__file__).parent / "imagenet_categories.txt").read_text(encoding="utf-8").splitlines())

FASHION_MNIST_CATEGORIES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
    "Ankle boot")
