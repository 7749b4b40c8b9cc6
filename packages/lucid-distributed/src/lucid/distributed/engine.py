"""The contract of a communication engine, and how engines are found.

Lucid has no network layer of its own: collectives run on an existing engine (MPI through
``mpi4py``, MLX's ``mx.distributed``), each a plugin named in the entry-point group
``lucid.distributed``. An engine is a :class:`CommEngine` subclass; it works on *native
arrays* of one backend (or NumPy arrays) and returns new arrays; the tensor-level API
(``lucid.distributed.all_reduce`` ...) handles tensors, in-place semantics and checks.

Every blocking operation finishes within ``timeout`` seconds or raises
:class:`DistributedTimeoutError` naming the operation: a rank that died or never arrives
never makes the others hang forever.
"""

from __future__ import annotations

import enum
from importlib.metadata import entry_points

from lucid.errors import LucidError

__all__ = ["ReduceOp", "CommEngine", "DistributedError", "DistributedTimeoutError",
           "available_engines", "load_engine", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 300.0  # seconds, PyTorch's default for gloo is 30 min; ours is shorter


class DistributedError(LucidError, RuntimeError):
    """A collective could not be done (mismatched ranks, no process group, ...)."""


class DistributedTimeoutError(DistributedError, TimeoutError):
    """A collective did not finish within the process group's timeout."""


class ReduceOp(enum.Enum):
    """How ``all_reduce`` / ``reduce_scatter`` combine the ranks' values."""

    SUM = "sum"
    MEAN = "mean"  # the sum divided by the world size
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


class CommEngine:
    """One process's view of a group of ``world_size`` processes.

    Subclasses implement the collectives on arrays (``xp`` arrays: NumPy for MPI, ``mx``
    for MLX) and ``launched()``: whether this process was started by the engine's launcher
    (``mpiexec``, ``mlx.launch``), which ``init_process_group(backend=None)`` uses to pick
    one. Handles returned by ``start_all_reduce`` have ``wait() -> array``.
    """

    name = "abstract"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = float(timeout)
        self.rank = 0
        self.world_size = 1

    @classmethod
    def launched(cls) -> bool:
        return False

    def native(self, backend) -> bool:
        """Whether arrays of ``backend`` go to the engine as they are (else via NumPy)."""
        return False

    def all_reduce(self, array, op: ReduceOp):
        return self.start_all_reduce(array, op).wait()

    def start_all_reduce(self, array, op: ReduceOp):
        raise NotImplementedError

    def broadcast(self, array, src: int):
        raise NotImplementedError

    def all_gather(self, array) -> list:
        raise NotImplementedError

    def reduce_scatter(self, array, op: ReduceOp):
        """``array`` of shape ``(world_size * n, ...)``: rank ``r`` gets the reduction of
        every rank's ``r``-th chunk of ``n`` rows."""
        chunks = self.all_reduce(array, op)
        n = array.shape[0] // self.world_size
        return chunks[self.rank * n:(self.rank + 1) * n]

    def barrier(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the engine's resources (after which no collective may run)."""


def available_engines() -> dict[str, type[CommEngine]]:
    """Installed engines by name (entry-point group ``lucid.distributed``)."""
    found = {}
    for ep in entry_points(group="lucid.distributed"):
        try:
            found[ep.name] = ep.load()
        except ImportError:  # its library (mpi4py, mlx) is not installed
            continue
    return found


def load_engine(name: str | None) -> type[CommEngine]:
    engines = available_engines()
    if name is None:
        for candidate in engines.values():
            if candidate.launched():
                return candidate
        raise DistributedError(
            "init_process_group: this process was not started by a launcher that an "
            f"installed engine recognises ({', '.join(engines) or 'none installed'}); run "
            "it with `mpiexec -n N python ...` or `mlx.launch -n N --backend ring python "
            "...`, or name the engine: init_process_group('mpi')")
    if name not in engines:
        raise DistributedError(f"init_process_group: no engine {name!r}; installed: "
                               f"{', '.join(engines) or 'none'} (pip install mpi4py mpich "
                               "for 'mpi', lucid-backend-mlx for 'mlx')")
    return engines[name]
