"""``DataLoader``: batches of a dataset, in sampler order, as Lucid tensors on a device."""

from __future__ import annotations

import numpy as np

from lucid.data.collate import collate_numpy, to_lucid
from lucid.data.dataset import IterableDataset, supports_batches
from lucid.data.sampler import BatchSampler, RandomSampler, SequentialSampler
from lucid.device import to_device

__all__ = ["DataLoader"]


class DataLoader:
    """Iterate over ``dataset`` in batches.

    Args:
        dataset: a map-style dataset (``__getitem__``/``__len__``) or an
            :class:`~lucid.data.IterableDataset`.
        batch_size (int | None): samples per batch (default 1); ``None`` yields single
            samples, converted to tensors but not stacked (``collate_fn``, when given, is
            called on each sample).
        shuffle (bool): visit indices in a new random order each epoch.
        sampler: an iterable of indices (excludes ``shuffle``).
        batch_sampler: an iterable of index lists (excludes ``batch_size``, ``shuffle``,
            ``sampler``, ``drop_last``).
        drop_last (bool): drop the last batch when it is short.
        collate_fn: ``list of samples -> batch``; default
            :func:`~lucid.data.default_collate` onto ``device``. A custom ``collate_fn`` gets
            the samples and its result is yielded unchanged.
        generator: int seed or ``numpy.random.Generator`` for ``shuffle``: the same seed gives
            the same batch order, epoch after epoch.
        device: where the batches' tensors live (``"cpu"``, ``"gpu"``).
        num_workers, pin_memory: accepted for PyTorch compatibility; loading runs in the
            calling process (the batched fast path makes in-memory datasets cheap).

    Batched fast path: when ``collate_fn`` is None and the dataset supports
    ``get_batch(indices)`` (:class:`~lucid.data.TensorDataset`, the datasets of
    :mod:`lucid.datasets`, their :class:`~lucid.data.Subset` s), a batch is gathered with one
    fancy index per field, with the same result as collating sample by sample.
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool = False,
                 sampler=None, batch_sampler=None, drop_last: bool = False, collate_fn=None,
                 generator=None, device="cpu", num_workers: int = 0,
                 pin_memory: bool = False) -> None:
        self.dataset = dataset
        self.device = to_device(device)
        self.collate_fn = collate_fn
        self.drop_last = bool(drop_last)
        self.num_workers, self.pin_memory = num_workers, pin_memory
        self._iterable = isinstance(dataset, IterableDataset)
        if batch_size is not None and (isinstance(batch_size, bool) or
                                       not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size must be a positive int or None, got "
                             f"{batch_size!r}")
        if self._iterable:
            if shuffle or sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader: an IterableDataset sets its own order; shuffle, "
                                 "sampler and batch_sampler must be left unset")
        elif batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler excludes batch_size, shuffle, "
                                 "sampler and drop_last")
            batch_size = None
        elif sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True exclude each other "
                             "(shuffle inside the sampler)")
        self.batch_size = batch_size
        if not self._iterable:
            if sampler is None:
                sampler = (RandomSampler(dataset, generator=generator) if shuffle
                           else SequentialSampler(dataset))
            if batch_sampler is None and batch_size is not None:
                batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.generator = getattr(sampler, "generator", None)

    @property
    def uses_fast_path(self) -> bool:
        """True when batches are gathered through ``dataset.get_batch``."""
        return (not self._iterable and self.collate_fn is None and
                self.batch_sampler is not None and supports_batches(self.dataset))

    def _collate(self, samples: list):
        if self.collate_fn is not None:
            return self.collate_fn(samples)
        return to_lucid(collate_numpy(samples), self.device)

    def __iter__(self):
        if self._iterable:
            yield from self._iter_stream()
        elif self.batch_sampler is None:  # batch_size=None: one sample at a time
            for index in self.sampler:
                sample = self.dataset[index]
                yield self.collate_fn(sample) if self.collate_fn else \
                    to_lucid(_numpy_leaves(sample), self.device)
        elif self.uses_fast_path:
            for indices in self.batch_sampler:
                batch = self.dataset.get_batch(np.asarray(indices, dtype=np.intp))
                yield to_lucid(batch, self.device)
        else:
            for indices in self.batch_sampler:
                yield self._collate([self.dataset[i] for i in indices])

    def _iter_stream(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield to_lucid(_numpy_leaves(sample), self.device)
            return
        buffer = []
        for sample in self.dataset:
            buffer.append(sample)
            if len(buffer) == self.batch_size:
                yield self._collate(buffer)
                buffer = []
        if buffer and not self.drop_last:
            yield self._collate(buffer)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is None:
            return len(self.sampler)
        return len(self.batch_sampler)

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__}, batch_size={self.batch_size}, "
                f"device='{self.device}', fast_path={self.uses_fast_path})")


def _numpy_leaves(sample):
    """One sample with Python numbers turned into 0-d arrays (``batch_size=None``)."""
    if isinstance(sample, (bool, int, float)):
        return collate_numpy([sample])[0]
    if isinstance(sample, dict):
        return {k: _numpy_leaves(v) for k, v in sample.items()}
    if isinstance(sample, tuple) and not hasattr(sample, "_fields"):
        return tuple(_numpy_leaves(v) for v in sample)
    if isinstance(sample, list):
        return [_numpy_leaves(v) for v in sample]
    return sample
