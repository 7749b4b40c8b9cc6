"""The process group: which engine this process talks through, its rank and world size.

``init_process_group(backend=None, timeout=...)`` picks the engine from how the process
was launched (``mpiexec`` -> ``"mpi"``, ``mlx.launch`` -> ``"mlx"``) or takes the one named;
one group per process, as with PyTorch's default group.
"""

from __future__ import annotations

from datetime import timedelta

from lucid.distributed.engine import DEFAULT_TIMEOUT, CommEngine, DistributedError, load_engine

__all__ = ["init_process_group", "destroy_process_group", "is_initialized", "get_rank",
           "get_world_size", "get_backend", "engine"]

_ENGINE: CommEngine | None = None


def init_process_group(backend: str | None = None, *, timeout=DEFAULT_TIMEOUT) -> None:
    """Join the group of processes started together. ``backend``: an engine name
    (``"mpi"``, ``"mlx"``, or any installed plugin) or None to detect it. ``timeout``
    (seconds or a ``timedelta``): how long a collective waits for the other ranks."""
    global _ENGINE
    if _ENGINE is not None:
        raise DistributedError("init_process_group: the process group is already "
                               "initialized; call destroy_process_group() first")
    if isinstance(timeout, timedelta):
        timeout = timeout.total_seconds()
    if not timeout > 0:
        raise ValueError(f"init_process_group: timeout must be positive, got {timeout!r}")
    _ENGINE = load_engine(backend)(timeout=float(timeout))


def destroy_process_group() -> None:
    global _ENGINE
    if _ENGINE is not None:
        _ENGINE.close()
    _ENGINE = None


def is_initialized() -> bool:
    return _ENGINE is not None


def engine() -> CommEngine:
    """The engine of the process group (an error naming the call if there is none)."""
    if _ENGINE is None:
        raise DistributedError("lucid.distributed: the process group is not initialized; "
                               "call lucid.distributed.init_process_group() first")
    return _ENGINE


def get_rank() -> int:
    return engine().rank


def get_world_size() -> int:
    return engine().world_size


def get_backend() -> str:
    return engine().name
