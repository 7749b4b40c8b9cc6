"""CIFAR-10 and CIFAR-100: 32x32 color images (Krizhevsky, 2009).

``data``: ``(N, 32, 32, 3)`` uint8 (NHWC), ``targets``: ``(N,)`` int64; 50000 train / 10000
test. CIFAR-100 also has ``coarse_targets`` (20 superclasses). The binary version is
downloaded (no pickle); an already extracted or downloaded Python version (e.g. from
torchvision) is read too, with a restricted unpickler (see :mod:`.cifar_format`).
"""

from __future__ import annotations

import os

import numpy as np

from lucid.datasets.cifar_format import (
    load_restricted_pickle,
    read_cifar_binary,
    read_cifar_pickle,
    safe_extract,
)
from lucid.datasets.download import download_first
from lucid.datasets.vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]

_CIFAR100_FINE = (
    "apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus "
    "butterfly camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach "
    "couch crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster "
    "house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree "
    "motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear "
    "pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road "
    "rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel "
    "streetcar sunflower sweet_pepper table tank telephone television tiger tractor train "
    "trout tulip turtle wardrobe whale willow_tree wolf woman worm").split()


class CIFAR10(VisionDataset):
    """CIFAR-10: 10 classes of 6000 images."""

    name = "cifar-10"
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
               "ship", "truck"]
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
    md5 = "c32a1d4ab5d03f1284b67883e8d87530"
    archives = {"cifar-10-binary.tar.gz": "bin", "cifar-10-python.tar.gz": "py"}
    folders = {"bin": "cifar-10-batches-bin", "py": "cifar-10-batches-py"}
    system_dirs = ("/usr/share/datasets/cifar-10",)

    def _split_files(self, kind: str) -> list[str]:
        names = [f"data_batch_{i}" for i in range(1, 6)] if self.train else ["test_batch"]
        return [n + ".bin" for n in names] if kind == "bin" else names

    def _wanted(self) -> list[str]:
        return [f"{self.folders['bin']}/{self._split_files('bin')[0]}...",
                f"{self.folders['py']}/{self._split_files('py')[0]}...",
                *self.archives]

    def _locate(self, folder: str):
        for kind in ("bin", "py"):
            sub = os.path.join(folder, self.folders[kind])
            paths = [os.path.join(sub, f) for f in self._split_files(kind)]
            if all(os.path.isfile(p) for p in paths):
                return kind, sub, paths
        for archive, kind in self.archives.items():
            path = os.path.join(folder, archive)
            if os.path.isfile(path):
                safe_extract(path, folder)
                sub = os.path.join(folder, self.folders[kind])
                paths = [os.path.join(sub, f) for f in self._split_files(kind)]
                if all(os.path.isfile(p) for p in paths):
                    return kind, sub, paths
        return None

    def _read(self, kind: str, path: str) -> tuple[np.ndarray, np.ndarray]:
        if kind == "bin":
            images, labels = read_cifar_binary(path, label_bytes=1)
            return images, labels[:, 0].astype(np.int64)
        return read_cifar_pickle(path, "labels")

    def _load(self, found) -> tuple[np.ndarray, np.ndarray]:
        kind, _, paths = found
        parts = [self._read(kind, p) for p in paths]
        return (np.concatenate([p[0] for p in parts]),
                np.concatenate([p[1] for p in parts]))

    def _download(self, folder: str) -> None:
        archive = os.path.join(folder, os.path.basename(self.url))
        download_first([self.url], archive, md5=self.md5)


class CIFAR100(CIFAR10):
    """CIFAR-100: 100 classes of 600 images, grouped in 20 superclasses
    (``coarse_targets``)."""

    name = "cifar-100"
    classes = _CIFAR100_FINE
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"
    md5 = "03b5dce01913d631647c71ecec9e9cb8"
    archives = {"cifar-100-binary.tar.gz": "bin", "cifar-100-python.tar.gz": "py"}
    folders = {"bin": "cifar-100-binary", "py": "cifar-100-python"}
    system_dirs = ("/usr/share/datasets/cifar-100",)

    def _split_files(self, kind: str) -> list[str]:
        name = "train" if self.train else "test"
        return [name + ".bin"] if kind == "bin" else [name]

    def _load(self, found) -> tuple[np.ndarray, np.ndarray]:
        kind, sub, (path,) = found
        if kind == "bin":
            images, labels = read_cifar_binary(path, label_bytes=2)
            self.coarse_targets = labels[:, 0].astype(np.int64)
            names = os.path.join(sub, "fine_label_names.txt")
            if os.path.isfile(names):
                with open(names, encoding="utf-8") as f:
                    self.classes = [line.strip() for line in f if line.strip()]
            return images, labels[:, 1].astype(np.int64)
        images, fine = read_cifar_pickle(path, "fine_labels")
        _, coarse = read_cifar_pickle(path, "coarse_labels")
        self.coarse_targets = coarse
        meta = os.path.join(sub, "meta")
        if os.path.isfile(meta):
            names = load_restricted_pickle(meta).get("fine_label_names")
            if isinstance(names, list) and len(names) == 100:
                self.classes = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        return images, fine
