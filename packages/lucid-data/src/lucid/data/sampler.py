"""Samplers: which indices a DataLoader visits, and in what order.

A sampler is an iterable of indices with a length; a batch sampler is an iterable of
lists of indices. Random samplers take ``generator`` (an int seed or a
``numpy.random.Generator``), created once: each epoch draws a new order, and the same seed
gives the same sequence of epochs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from lucid.data._random import make_rng

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


class Sampler:
    """Base class: subclasses define ``__iter__`` (indices) and ``__len__``, or
    ``epoch_indices()`` (one epoch as an int array, which :class:`BatchSampler` slices
    without a Python loop per index) and ``__len__``."""

    def epoch_indices(self) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} defines neither __iter__ nor "
                                  "epoch_indices")

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices().tolist())

    def __len__(self) -> int:
        raise NotImplementedError(f"sampler {type(self).__name__} has no __len__")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def epoch_indices(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices each epoch, or ``num_samples`` draws with
    replacement when ``replacement=True``."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = bool(replacement)
        self._num_samples = num_samples
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples must be a positive int, got "
                             f"{num_samples!r}")
        self.generator = make_rng(generator)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def epoch_indices(self) -> np.ndarray:
        n = len(self.data_source)
        if self.replacement:
            return self.generator.integers(0, n, size=self.num_samples)
        k = self.num_samples
        order = np.concatenate([self.generator.permutation(n) for _ in range(-(-k // n))]) \
            if n else np.empty(0, np.int64)
        return order[:k]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a new random order each epoch (no replacement)."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        self.generator = make_rng(generator)

    def epoch_indices(self) -> np.ndarray:
        return self.indices[self.generator.permutation(len(self.indices))]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability ``weights[i] / sum(weights)``."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
        if w.size == 0 or (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError(f"WeightedRandomSampler: weights must be finite, >= 0 and not "
                             f"all zero, got {weights!r}")
        if not replacement and num_samples > np.count_nonzero(w):
            raise ValueError(f"WeightedRandomSampler: cannot draw {num_samples} samples "
                             f"without replacement from {np.count_nonzero(w)} non-zero weights")
        self.weights, self.num_samples, self.replacement = w, int(num_samples), replacement
        self.generator = make_rng(generator)

    def epoch_indices(self) -> np.ndarray:
        p = self.weights / self.weights.sum()
        return self.generator.choice(len(p), size=self.num_samples,
                                     replace=self.replacement, p=p)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; the last, shorter
    list is dropped when ``drop_last``."""

    def __init__(self, sampler, batch_size: int, drop_last: bool = False) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size must be a positive int, got "
                             f"{batch_size!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, bool(drop_last)

    def __iter__(self):
        epoch = getattr(self.sampler, "epoch_indices", None)
        if epoch is not None:
            try:
                order = np.asarray(epoch())
            except NotImplementedError:
                order = None
            if order is not None:
                stop = len(order) - len(order) % self.batch_size if self.drop_last \
                    else len(order)
                for start in range(0, stop, self.batch_size):
                    yield order[start:start + self.batch_size].tolist()
                return
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
