"""``--distributed``: the trainer's data-parallel side (``lucid.distributed``).

Launched as ``mpiexec -n N lucid-train --distributed`` (or ``mlx.launch -n N --backend ring
...``), every process joins the process group, wraps the model in
:class:`lucid.distributed.DistributedDataParallel` (same starting weights everywhere,
gradients averaged after each backward), and trains on its own share of every epoch
(``make_loaders(shard=...)``: a :class:`lucid.data.DistributedSampler`, reshuffled per epoch).
``--batch-size`` is per process, as in PyTorch's DDP examples: the global batch is N times
it. Metrics are summed over the ranks (:meth:`Replica.reduce_sums`); only rank 0 prints,
plots and writes the checkpoint (whose state dict has the bare model's keys).
"""

from __future__ import annotations

import numpy as np

import lucid


class Replica:
    """This process's place in the group; ``Replica()`` (rank 0 of 1) when not distributed."""

    def __init__(self, rank: int = 0, world_size: int = 1, dist=None) -> None:
        self.rank, self.world_size, self.dist = rank, world_size, dist

    @classmethod
    def join(cls, engine: str | None) -> Replica:
        """Join the process group (``engine``: ``mpi``, ``mlx`` or None to detect it)."""
        try:
            import lucid.distributed as dist
        except ImportError:
            raise lucid.errors.BackendError(
                "--distributed needs lucid-distributed: pip install packages/"
                "lucid-distributed mpi4py mpich (or \"mlx[cpu]\" for mlx.launch)") from None
        dist.init_process_group(engine)
        return cls(dist.get_rank(), dist.get_world_size(), dist)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def shard(self) -> tuple[int, int] | None:
        return (self.rank, self.world_size) if self.dist else None

    @property
    def engine(self) -> str | None:
        return self.dist.get_backend() if self.dist else None

    def wrap(self, model):
        return self.dist.DistributedDataParallel(model) if self.dist else model

    def reduce_sums(self, *values: float) -> list[float]:
        """``values`` summed over the ranks (float64, through the process group)."""
        if not self.dist:
            return list(values)
        total = lucid.tensor(np.array(values, dtype=np.float64))
        self.dist.all_reduce(total)
        return total.numpy().tolist()

    def close(self) -> None:
        if self.dist:
            self.dist.destroy_process_group()
