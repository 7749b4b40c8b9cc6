"""The pretrained weights Lucid knows about, one enum per model (all importable from
``lucid.weights`` and, as torchvision users expect, from ``lucid.models``).

``LeNet_5_Weights.FASHION_MNIST_V1`` was trained by Lucid's own demo (``nox -s demo``, see
``meta``) and ships inside this package, so it loads offline. The ImageNet-1k enums of
:mod:`lucid.weights.torchvision_catalog` point at torchvision's published files, those of
:mod:`lucid.weights.timm_catalog` at timm's files on the Hugging Face hub.
"""

from __future__ import annotations

from functools import partial

from lucid.weights import timm_catalog, torchvision_catalog
from lucid.weights.api import WeightsEntry, WeightsEnum
from lucid.weights.categories import FASHION_MNIST_CATEGORIES
from lucid.weights.presets import ImageClassification
from lucid.weights.timm_catalog import *  # noqa: F403 - timm's ImageNet-1k enums
from lucid.weights.torchvision_catalog import *  # noqa: F403 - torchvision's ImageNet-1k enums

RELEASES = "https://github.com/lucid-dl/lucid/releases/download/weights-v1"

__all__ = ["LeNet_5_Weights", *torchvision_catalog.__all__, *timm_catalog.__all__]


class LeNet_5_Weights(WeightsEnum):  # noqa: N801 - torchvision's naming
    FASHION_MNIST_V1 = WeightsEntry(
        file_name="lenet_5_fashion_mnist_v1.lcd",
        url=f"{RELEASES}/lenet_5_fashion_mnist_v1.lcd",
        sha256="768e7b33ae6d2b66d0b9f2e79627ac95ab1dde8ab0cb1b8034892b374f4b46e6",
        # 28x28 images as they come: ToTensor (x / 255) then Normalize(mean, std)
        transforms=partial(ImageClassification, crop_size=None, resize_size=None,
                           mean=(0.2860,), std=(0.3530,)),
        meta={"num_classes": 10, "num_params": 44426, "dataset": "Fashion-MNIST",
              "categories": FASHION_MNIST_CATEGORIES,
              "metrics": {"Fashion-MNIST": {"acc@1": 89.98}},
              "input_size": (1, 28, 28),
              "normalize": {"mean": (0.2860,), "std": (0.3530,)},
              "epochs": 30, "optimizer": "SGD(lr=0.01, momentum=0.9)", "batch_size": 128,
              "scheduler": None, "seed": 0,
              "test_accuracy": 89.98,  # % on the 10,000 test images, after the last epoch
              "test_loss": 0.2819, "train_accuracy": 92.61,
              "command": "python examples/train.py --model lenet_5 --dataset fashion-mnist "
                         "--optimizer sgd --lr 0.01 --momentum 0.9 --batch-size 128 "
                         "--epochs 30 --seed 0 --out runs/lenet5-fashion-mnist-v1 "
                         "--save-weights packages/lucid-models/src/lucid/weights/files/"
                         "lenet_5_fashion_mnist_v1.lcd --no-progress",
              "train_time_s": 367, "hardware": "2 shared CPU cores, NumPy backend, 1 BLAS "
                                               "thread",
              "date": "2026-11-24"},
    )
    DEFAULT = FASHION_MNIST_V1
