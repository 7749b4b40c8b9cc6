"""The pretrained weights Lucid knows about, one enum per model.

``LeNet_5_Weights.FASHION_MNIST_V1`` was trained by Lucid's own demo
(``nox -s demo``, see ``meta``) and ships inside this package, so it loads offline.
"""

from __future__ import annotations

from lucid.weights.api import WeightsEntry, WeightsEnum

RELEASES = "https://github.com/lucid-dl/lucid/releases/download/weights-v1"

__all__ = ["LeNet_5_Weights"]


class LeNet_5_Weights(WeightsEnum):  # noqa: N801 - torchvision's naming
    FASHION_MNIST_V1 = WeightsEntry(
        file_name="lenet_5_fashion_mnist_v1.lcd",
        url=f"{RELEASES}/lenet_5_fashion_mnist_v1.lcd",
        sha256="0" * 64,  # replaced by the training run that produced the file
        meta={"num_classes": 10, "num_params": 44426, "dataset": "Fashion-MNIST",
              "input_size": (1, 28, 28)},
    )
    DEFAULT = FASHION_MNIST_V1
