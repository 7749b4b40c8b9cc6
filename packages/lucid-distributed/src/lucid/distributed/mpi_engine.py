"""The MPI engine: collectives through ``mpi4py`` on NumPy arrays.

Launched by ``mpiexec -n N python script.py`` (PyPI's ``mpich`` wheel provides it). Every
collective is MPI's non-blocking form (``Iallreduce``, ``Ibcast``, ``Iallgather``,
``Ibarrier``) polled against the timeout, so a dead rank makes the others raise
:class:`DistributedTimeoutError` instead of blocking in MPI forever. (MPICH's launcher
normally kills the whole job when one rank dies; ``mpiexec -disable-auto-cleanup`` keeps
the survivors running so they can report it.)
"""

from __future__ import annotations

import os

import numpy as np

from lucid.distributed.engine import CommEngine, DistributedError, ReduceOp
from lucid.distributed.polling import wait_until

__all__ = ["MpiEngine"]


class _Pending:
    """A started reduction: ``wait()`` returns its result."""

    def __init__(self, request, result, finish, timeout: float, what: str) -> None:
        self.request, self.result, self.finish = request, result, finish
        self.timeout, self.what = timeout, what

    def wait(self):
        _wait(self.request, self.timeout, self.what)
        return self.finish(self.result)


class MpiEngine(CommEngine):
    name = "mpi"

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout)
        from mpi4py import MPI

        self.MPI = MPI
        self.comm = MPI.COMM_WORLD.Dup()
        self.comm.Set_errhandler(MPI.ERRORS_RETURN)  # a dead peer raises, not aborts
        self.rank = self.comm.Get_rank()
        self.world_size = self.comm.Get_size()
        self._ops = {ReduceOp.SUM: MPI.SUM, ReduceOp.MEAN: MPI.SUM, ReduceOp.MAX: MPI.MAX,
                     ReduceOp.MIN: MPI.MIN, ReduceOp.PRODUCT: MPI.PROD}

    @classmethod
    def launched(cls) -> bool:
        return any(k in os.environ for k in ("PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"))

    def native(self, backend) -> bool:
        return backend.name == "numpy"  # NumPy arrays go to MPI as they are

    def start_all_reduce(self, array, op: ReduceOp):
        send, restore = _buffer(array)
        result = np.empty_like(send)
        request = self.comm.Iallreduce(send, result, op=self._ops[op])
        size = self.world_size

        def finish(out):
            if op is ReduceOp.MEAN:
                out = np.asarray(out / size, dtype=out.dtype)
            return restore(out)

        return _Pending(request, result, finish, self.timeout, f"all_reduce({op.name})")

    def broadcast(self, array, src: int):
        buffer, restore = _buffer(array, copy=True)
        request = self.comm.Ibcast(buffer, root=src)
        _wait(request, self.timeout, f"broadcast(src={src})")
        return restore(buffer)

    def all_gather(self, array) -> list:
        send, restore = _buffer(array)
        result = np.empty((self.world_size,) + send.shape, dtype=send.dtype)
        request = self.comm.Iallgather(send, result)
        _wait(request, self.timeout, "all_gather")
        return [restore(result[i, ...]) for i in range(self.world_size)]  # 0-d stays an array

    def barrier(self) -> None:
        _wait(self.comm.Ibarrier(), self.timeout, "barrier")

    def close(self) -> None:
        self.comm.Free()


def _wait(request, timeout: float, what: str) -> None:
    """Poll ``request`` until done or the timeout; an MPI error (a peer that died) is a
    :class:`DistributedError` naming the operation."""
    from mpi4py import MPI

    try:
        wait_until(request.Test, timeout, what)
    except MPI.Exception as exc:
        raise DistributedError(f"{what}: MPI failed ({exc.Get_error_string()}); did "
                               "another rank die?") from exc


def _buffer(array, copy: bool = False):
    """A contiguous NumPy buffer MPI can send (booleans as bytes) and the function that
    turns a result buffer back into ``array``'s dtype."""
    array = np.asarray(array)
    if array.dtype == np.bool_:
        return array.astype(np.uint8, order="C"), lambda out: out.astype(np.bool_)
    if copy or not array.flags.c_contiguous:
        array = array.copy(order="C")
    return array, lambda out: out
