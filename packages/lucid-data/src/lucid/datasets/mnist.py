"""MNIST and Fashion-MNIST: 28x28 gray images (``uint8``), 10 classes, IDX files.

``data``: ``(N, 28, 28)`` uint8, ``targets``: ``(N,)`` int64; 60000 train / 10000 test.
"""

from __future__ import annotations

import os

import numpy as np

from lucid.datasets.download import download_first
from lucid.datasets.errors import DatasetFormatError
from lucid.datasets.idx import read_idx
from lucid.datasets.vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST"]


class MNIST(VisionDataset):
    """The MNIST handwritten digits (LeCun, Cortes, Burges)."""

    name = "mnist"
    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = {  # file -> MD5 of the published .gz
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    system_dirs = ("/usr/share/datasets/mnist",)

    def _files(self) -> tuple[str, str]:
        prefix = "train" if self.train else "t10k"
        return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"

    def _wanted(self) -> list[str]:
        return [f"{f}[.gz]" for f in self._files()]

    def _locate(self, folder: str):
        found = []
        for stem in self._files():
            for candidate in (stem + ".gz", stem):
                path = os.path.join(folder, candidate)
                if os.path.isfile(path):
                    found.append(path)
                    break
            else:
                return None
        return found

    def _load(self, found) -> tuple[np.ndarray, np.ndarray]:
        images_path, labels_path = found
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise DatasetFormatError(f"{type(self).__name__}: {images_path!r} holds "
                                     f"{images.dtype} of shape {images.shape}, expected uint8 "
                                     "images (N, H, W)")
        if labels.ndim != 1:
            raise DatasetFormatError(f"{type(self).__name__}: {labels_path!r} holds shape "
                                     f"{labels.shape}, expected labels (N,)")
        if len(images) != len(labels):
            raise DatasetFormatError(f"{type(self).__name__}: {images_path!r} has "
                                     f"{len(images)} images but {labels_path!r} has "
                                     f"{len(labels)} labels")
        return images, labels.astype(np.int64)

    def _download(self, folder: str) -> None:
        for filename, md5 in self.resources.items():
            download_first([m + filename for m in self.mirrors], os.path.join(folder, filename),
                           md5=md5)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: clothing in MNIST's format."""

    name = "fashion-mnist"
    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    system_dirs = ("/usr/share/datasets/fashion-mnist",)
    debian_package = "dataset-fashion-mnist"
