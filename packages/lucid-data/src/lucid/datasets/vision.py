"""``VisionDataset``: the shared part of every image dataset (finding, downloading, indexing).

Where a dataset is looked for, in order (the first folder holding every file wins):

1. ``root`` when given, then ``root/<name>`` (and torchvision's ``root/<Class>/raw``);
2. the cache, ``$LUCID_DATA/<name>`` or ``~/.cache/lucid/<name>``;
3. system folders, e.g. ``/usr/share/datasets/fashion-mnist`` from the Debian package
   ``dataset-fashion-mnist``.

With ``download=True`` a dataset found nowhere is downloaded (checksums verified) into
``root/<name>`` when ``root`` is given, else into the cache. Found nowhere and not
downloaded: one :class:`DatasetNotFoundError` listing every place searched and how to get it.

Samples are ``(image, label)``: ``image`` is a ``uint8`` NumPy array (``HW`` gray, ``HWC``
color) passed through ``transform``; ``label`` an int passed through ``target_transform``.
``get_batch(indices)`` serves whole batches to :class:`~lucid.data.DataLoader` with one
fancy index, running transforms batch-wise when they offer ``apply_batch``.
"""

from __future__ import annotations

import os

import numpy as np

from lucid.data.collate import collate_numpy
from lucid.data.dataset import Dataset
from lucid.datasets.download import cache_dir
from lucid.datasets.errors import DatasetFormatError, DatasetNotFoundError

__all__ = ["VisionDataset"]


class VisionDataset(Dataset):
    """Base class. Subclasses set ``name``, ``classes``, ``system_dirs``, ``debian_package``
    and define ``_locate(folder)``, ``_load(found)``, ``_download(folder)``, ``_wanted()``.
    """

    name = "dataset"
    classes: list[str] = []
    system_dirs: tuple[str, ...] = ()
    debian_package: str | None = None
    batchable = True

    def __init__(self, root=None, train: bool = True, download: bool = False,
                 transform=None, target_transform=None) -> None:
        self.root = None if root is None else os.path.abspath(os.path.expanduser(root))
        self.train = bool(train)
        self.transform, self.target_transform = transform, target_transform
        self.split = "train" if self.train else "test"
        found, self.folder = None, None
        for folder in self._search_dirs():
            found = self._locate(folder)
            if found is not None:
                self.folder = folder
                break
        if found is None:
            if not download:
                raise self._not_found()
            folder = os.path.join(self.root, self.name) if self.root else cache_dir(self.name)
            os.makedirs(folder, exist_ok=True)
            self._download(folder)
            found = self._locate(folder)
            if found is None:
                raise DatasetFormatError(f"{type(self).__name__}: downloaded into {folder!r} "
                                         f"but the files {self._wanted()} are still missing")
            self.folder = folder
        self.data, self.targets = self._load(found)
        self._validate()
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    # -- where to look -------------------------------------------------------------
    def _search_dirs(self) -> list[str]:
        dirs = []
        if self.root:
            dirs += [self.root, os.path.join(self.root, self.name),
                     os.path.join(self.root, type(self).__name__, "raw")]
        dirs.append(cache_dir(self.name))
        dirs += list(self.system_dirs)
        seen, out = set(), []
        for d in dirs:
            if d not in seen:
                seen.add(d)
                out.append(d)
        return out

    def _describe(self, folder: str) -> str:
        if self.root and folder.startswith(self.root):
            return f"{folder}  (root)"
        if folder == cache_dir(self.name):
            return f"{folder}  (cache: $LUCID_DATA/{self.name} or ~/.cache/lucid/{self.name})"
        if self.debian_package:
            return f"{folder}  (Debian package {self.debian_package})"
        return f"{folder}  (system folder)"

    def _not_found(self) -> DatasetNotFoundError:
        places = "\n".join(f"  - {self._describe(d)}" for d in self._search_dirs())
        ways = [f"pass download=True to fetch it (checksums verified) into "
                f"{os.path.join(self.root, self.name) if self.root else cache_dir(self.name)}"]
        if self.debian_package:
            ways.append(f"install the Debian package: apt install {self.debian_package}")
        ways.append(f"put the files in one of the folders above, e.g. set LUCID_DATA to a "
                    f"folder holding {self.name}/")
        return DatasetNotFoundError(
            f"{type(self).__name__} ({self.split} split) not found: looked for "
            f"{self._wanted()} in\n{places}\nTo get it:\n" +
            "\n".join(f"  * {w}" for w in ways))

    def _validate(self) -> None:
        if len(self.data) != len(self.targets):
            raise DatasetFormatError(f"{type(self).__name__}: {len(self.data)} images but "
                                     f"{len(self.targets)} labels in {self.folder!r}")
        if len(self.targets) and (self.targets.min() < 0 or
                                  self.targets.max() >= len(self.classes)):
            raise DatasetFormatError(
                f"{type(self).__name__}: labels in {self.folder!r} range over "
                f"[{self.targets.min()}, {self.targets.max()}], expected [0, "
                f"{len(self.classes) - 1}]: the files are corrupted")

    # -- subclass hooks ---------------------------------------------------------------
    def _wanted(self) -> list[str]:
        raise NotImplementedError(f"dataset {type(self).__name__} does not implement _wanted()")

    def _locate(self, folder: str):
        raise NotImplementedError(f"dataset {type(self).__name__} does not implement _locate()")

    def _load(self, found) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError(f"dataset {type(self).__name__} does not implement _load()")

    def _download(self, folder: str) -> None:
        raise NotImplementedError(f"dataset {type(self).__name__} does not implement _download()")

    # -- indexing -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index):
        image, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def get_batch(self, indices):
        """``(images, labels)`` for many indices at once (NumPy arrays or Lucid tensors)."""
        indices = np.asarray(indices, dtype=np.intp)
        images, targets = self.data[indices], self.targets[indices]
        if self.transform is not None:
            batch_fn = getattr(self.transform, "apply_batch", None)
            if batch_fn is not None:
                images = batch_fn(images)
            else:
                images = collate_numpy([self.transform(im) for im in images])
        if self.target_transform is not None:
            targets = collate_numpy([self.target_transform(int(t)) for t in targets])
        return images, targets

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(split={self.split!r}, samples={len(self)}, "
                f"folder={self.folder!r})")
