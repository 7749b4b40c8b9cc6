"""``lucid.datasets``: real datasets with checksummed, resumable downloads and local discovery.

    from lucid.datasets import FashionMNIST
    from lucid import transforms as T
    train = FashionMNIST(train=True, transform=T.ToTensor())   # finds local files first

Each dataset has ``data`` (uint8 NumPy array), ``targets`` (int64), ``classes``, and
``(image, label)`` samples; see :mod:`lucid.datasets.vision` for where files are looked for.
"""

from lucid.datasets.cifar import CIFAR10, CIFAR100
from lucid.datasets.download import cache_dir, data_home, download_url, file_digest
from lucid.datasets.errors import (
    ChecksumError,
    DatasetFormatError,
    DatasetNotFoundError,
    DownloadError,
)
from lucid.datasets.idx import read_idx, write_idx
from lucid.datasets.mnist import MNIST, FashionMNIST
from lucid.datasets.vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "VisionDataset",
           "DatasetNotFoundError", "DatasetFormatError", "ChecksumError", "DownloadError",
           "read_idx", "write_idx", "download_url", "cache_dir", "data_home", "file_digest"]
