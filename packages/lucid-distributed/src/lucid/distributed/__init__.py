"""``lucid.distributed``: data-parallel training on existing communication engines.

Engines are plugins (entry-point group ``lucid.distributed``): ``"mpi"`` (``mpi4py``, for
tensors on any backend through NumPy) and ``"mlx"`` (``mx.distributed``, MLX tensors as
they are). Launch N processes with ``mpiexec -n N python train.py`` or
``mlx.launch -n N --backend ring python train.py``, then::

    import lucid.distributed as dist
    dist.init_process_group()                  # the engine that launched us
    model = dist.DistributedDataParallel(model)
    sampler = lucid.data.DistributedSampler(dataset)   # this rank's share
"""

from lucid.distributed.collectives import (
    all_gather,
    all_reduce,
    all_reduce_differentiable,
    barrier,
    broadcast,
    reduce_scatter,
)
from lucid.distributed.data_parallel import DistributedDataParallel
from lucid.distributed.engine import (
    CommEngine,
    DistributedError,
    DistributedTimeoutError,
    ReduceOp,
    available_engines,
)
from lucid.distributed.process_group import (
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_initialized,
)
from lucid.distributed.sync_batchnorm import SyncBatchNorm

__all__ = ["init_process_group", "destroy_process_group", "is_initialized", "get_rank",
           "get_world_size", "get_backend", "all_reduce", "broadcast", "all_gather",
           "reduce_scatter", "barrier", "all_reduce_differentiable", "ReduceOp",
           "DistributedDataParallel", "SyncBatchNorm", "CommEngine", "DistributedError",
           "DistributedTimeoutError", "available_engines"]
