"""``DistributedSampler``: each of ``num_replicas`` processes gets its own share of a
dataset, as PyTorch's does.

One epoch's order (a permutation seeded with ``seed + epoch`` when ``shuffle``, else
``0..N-1``) is made equal in length to a multiple of ``num_replicas``: padded by repeating
its first indices, or, with ``drop_last``, cut to the largest multiple. Rank ``r`` takes
every ``num_replicas``-th index starting at ``r``, so the shares are disjoint (up to the
padding) and of equal length ``ceil(N / R)`` (``floor`` with ``drop_last``). Call
``set_epoch(e)`` before each epoch so the shuffle differs between epochs and is the
same on every rank.
"""

from __future__ import annotations

import math

import numpy as np

from lucid.data.sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            group_size, group_rank = _process_group()
            num_replicas = group_size if num_replicas is None else num_replicas
            rank = group_rank if rank is None else rank
        if not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got "
                             f"{num_replicas!r}")
        if not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank!r}, rank should be in "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas, self.rank = num_replicas, rank
        self.shuffle, self.seed, self.drop_last = bool(shuffle), int(seed), bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % num_replicas:
            self.num_samples = n // num_replicas
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def epoch_indices(self) -> np.ndarray:
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = np.arange(n)
        if self.total_size > n:  # pad by repeating the start (several times if needed)
            order = np.resize(order, self.total_size)
        order = order[:self.total_size]
        return order[self.rank:self.total_size:self.num_replicas]

    def __len__(self) -> int:
        return self.num_samples


def _process_group() -> tuple[int, int]:
    try:
        import lucid.distributed as dist
    except ImportError:
        raise RuntimeError("DistributedSampler: pass num_replicas and rank, or install "
                           "lucid-distributed and call init_process_group()") from None
    if not dist.is_initialized():
        raise RuntimeError("DistributedSampler: the process group is not initialized; call "
                           "lucid.distributed.init_process_group() or pass num_replicas "
                           "and rank")
    return dist.get_world_size(), dist.get_rank()
