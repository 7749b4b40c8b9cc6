"""Datasets: map-style (``__getitem__``/``__len__``), iterable, and their combinations.

A map-style dataset may also offer a *batched fast path*: ``get_batch(indices)`` takes an
int array of indices and returns the whole batch at once, already collated (the same
structure one sample has, with NumPy arrays or Lucid tensors of leading size
``len(indices)`` as leaves). :class:`~lucid.data.DataLoader` uses it when no ``collate_fn``
is given, so an in-memory dataset is gathered with one fancy index per field instead of
``batch_size`` Python calls and a stack. Its result must equal
``default_collate([ds[i] for i in indices])``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np

from lucid.data._random import make_rng
from lucid.tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "random_split", "supports_batches"]


def supports_batches(dataset) -> bool:
    """True when ``dataset.get_batch(indices)`` can serve whole batches."""
    flag = getattr(dataset, "batchable", None)
    if flag is None:
        return callable(getattr(dataset, "get_batch", None))
    return bool(flag)


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(i)`` and ``__len__()``.

    Defining ``get_batch(indices)`` offers the batched fast path (a ``batchable`` attribute,
    when present, overrides the detection). ``a + b`` concatenates two datasets.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset:
    """A stream of samples: subclasses define ``__iter__``. The DataLoader batches it in
    order (no sampler, no shuffle)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


def _as_numpy(value) -> np.ndarray:
    return value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)


class TensorDataset(Dataset):
    """Samples are rows of equally long tensors: ``ds[i] == (t0[i], t1[i], ...)``.

    Takes Lucid tensors or NumPy arrays; a sample's fields keep their kind (Lucid tensors on
    their device, or NumPy arrays). The values are read once, at construction.
    """

    batchable = True

    def __init__(self, *tensors) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        lengths = [len(t) for t in tensors]
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: tensors have different first dimensions "
                             f"{lengths}; every tensor needs one row per sample")
        self.tensors = tensors
        self._arrays = [_as_numpy(t) for t in tensors]
        self._devices = [t.device if isinstance(t, Tensor) else None for t in tensors]

    def __len__(self) -> int:
        return len(self._arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] if d is None else Tensor(a[index], device=d)
                     for a, d in zip(self._arrays, self._devices))

    def get_batch(self, indices):
        indices = np.asarray(indices, dtype=np.intp)
        return tuple(a[indices] for a in self._arrays)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)

    @property
    def batchable(self) -> bool:
        return supports_batches(self.dataset)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return [self.dataset[int(i)] for i in self.indices[index]]
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices):
        return self.dataset.get_batch(self.indices[np.asarray(indices, dtype=np.intp)])


def _concat_structures(parts: list):
    first = parts[0]
    if isinstance(first, (np.ndarray, Tensor)):
        return np.concatenate([_as_numpy(p) for p in parts], axis=0)
    if isinstance(first, dict):
        return {k: _concat_structures([p[k] for p in parts]) for k in first}
    if isinstance(first, tuple):
        return tuple(_concat_structures(list(z)) for z in zip(*parts))
    if isinstance(first, list) and first and isinstance(first[0], (np.ndarray, Tensor,
                                                                   dict, tuple)):
        return [_concat_structures(list(z)) for z in zip(*parts)]
    return [x for p in parts for x in p]


def _take_structure(batch, order: np.ndarray):
    if isinstance(batch, np.ndarray):
        return batch[order]
    if isinstance(batch, dict):
        return {k: _take_structure(v, order) for k, v in batch.items()}
    if isinstance(batch, tuple):
        return tuple(_take_structure(v, order) for v in batch)
    if isinstance(batch, list) and batch and isinstance(batch[0], (np.ndarray, dict, tuple)):
        return [_take_structure(v, order) for v in batch]
    return [batch[i] for i in order]


class ConcatDataset(Dataset):
    """Datasets one after another: index ``i`` past the first dataset's length goes on into
    the next."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: needs at least one dataset")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset: iterable datasets have no length; chain them "
                                "with itertools.chain instead")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    @property
    def batchable(self) -> bool:
        return all(supports_batches(d) for d in self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def _locate(self, index: int) -> tuple[int, int]:
        if index < 0:
            if -index > len(self):
                raise IndexError(f"ConcatDataset: index {index} out of range for length "
                                 f"{len(self)}")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which >= len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} out of range for length "
                             f"{len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return which, index - start

    def __getitem__(self, index):
        which, local = self._locate(int(index))
        return self.datasets[which][local]

    def get_batch(self, indices):
        indices = np.asarray(indices, dtype=np.int64)
        indices = np.where(indices < 0, indices + len(self), indices)
        which = np.searchsorted(self.cumulative_sizes, indices, side="right")
        starts = np.concatenate([[0], self.cumulative_sizes[:-1]])
        parts, positions = [], []
        for d in np.unique(which):
            mask = which == d
            parts.append(self.datasets[d].get_batch(indices[mask] - starts[d]))
            positions.append(np.nonzero(mask)[0])
        if len(parts) == 1:
            return parts[0]
        order = np.argsort(np.concatenate(positions), kind="stable")
        return _take_structure(_concat_structures(parts), order)


def random_split(dataset, lengths, generator=None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random :class:`Subset` s.

    ``lengths``: ints summing to ``len(dataset)``, or fractions summing to 1 (each gets
    ``floor(f * n)`` samples, and the remainder is handed out one by one from the first
    split on). ``generator``: an int seed or a ``numpy.random.Generator``; the same seed
    gives the same split.
    """
    n = len(dataset)
    lengths = list(lengths)
    if all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0) \
            and sum(lengths) <= 1 + 1e-9:
        if any(x < 0 for x in lengths):
            raise ValueError(f"random_split: fractions must be >= 0, got {lengths}")
        counts = [math.floor(n * f) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(not float(x).is_integer() or x < 0 for x in lengths) or sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} must be non-negative ints summing "
                         f"to the dataset length {n}, or fractions summing to 1")
    perm = make_rng(generator).permutation(n)
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + int(length)]))
        start += int(length)
    return out
