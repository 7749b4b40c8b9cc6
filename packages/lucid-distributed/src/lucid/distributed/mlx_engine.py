"""The MLX engine: collectives through ``mx.distributed`` on ``mx.array``.

Launched by ``mlx.launch -n N --backend ring python script.py`` (the ring backend runs
over TCP on Linux with ``mlx[cpu]``; MPI and NCCL where MLX has them). MLX's collectives
are lazy arrays: an operation runs when its result is evaluated, which happens on the
engine's communication thread, so that a rank that never arrives makes the others raise
:class:`DistributedTimeoutError` instead of blocking forever.

MLX has sum, max and min reductions and all-gather; ``broadcast`` is a sum where every
rank but the source contributes zeros, ``PRODUCT`` a product over the all-gather.
"""

from __future__ import annotations

import os
import queue
import threading

from lucid.distributed.engine import CommEngine, DistributedError, ReduceOp
from lucid.distributed.polling import wait_event

__all__ = ["MlxEngine"]


class _Pending:
    """A collective handed to the engine's communication thread; ``wait()`` returns its
    evaluated result or raises (its error, or a timeout)."""

    def __init__(self, build, timeout: float, what: str) -> None:
        self.build, self.timeout, self.what = build, timeout, what
        self.done = threading.Event()
        self.result = self.error = None

    def wait(self):
        wait_event(self.done, self.timeout, self.what)
        if isinstance(self.error, RuntimeError):  # MLX's report (e.g. a peer was lost)
            raise DistributedError(f"{self.what}: MLX failed ({self.error}); did another "
                                   "rank die?") from self.error
        if self.error is not None:
            raise self.error
        return self.result


class _CommThread:
    """One daemon thread with its own MLX CPU stream that builds and evaluates every
    collective in order (MLX streams belong to the thread that made them; a collective
    stuck on a dead peer blocks this thread, not the caller)."""

    def __init__(self, mx) -> None:
        self.mx = mx
        self.jobs: queue.Queue = queue.Queue()
        threading.Thread(target=self.loop, daemon=True, name="lucid-mlx-comm").start()

    def submit(self, build, timeout: float, what: str) -> _Pending:
        pending = _Pending(build, timeout, what)
        self.jobs.put(pending)
        return pending

    def loop(self) -> None:
        mx = self.mx
        stream = mx.new_stream(mx.cpu)
        while True:
            job = self.jobs.get()
            try:
                with mx.stream(stream):
                    job.result = job.build()
                    mx.eval(job.result)
            except BaseException as exc:  # reported by wait()
                job.error = exc
            job.done.set()


class MlxEngine(CommEngine):
    name = "mlx"

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout)
        import mlx.core as mx

        self.mx = mx
        backend = os.environ.get("LUCID_MLX_DISTRIBUTED", "any")
        self.group = mx.distributed.init(strict=True, backend=backend)
        self.rank = self.group.rank()
        self.world_size = self.group.size()
        self._thread = _CommThread(mx)

    @classmethod
    def launched(cls) -> bool:
        return "MLX_RANK" in os.environ

    def native(self, backend) -> bool:
        return backend.name == "mlx"

    def _submit(self, build, what: str):
        return self._thread.submit(build, self.timeout, what)

    def _ready(self, array):
        """``array`` as an evaluated ``mx.array`` (the comm thread may then read it)."""
        mx = self.mx
        array = array if isinstance(array, mx.array) else mx.array(array)
        mx.eval(array)
        return array

    def start_all_reduce(self, array, op: ReduceOp):
        mx, dist, group, size = self.mx, self.mx.distributed, self.group, self.world_size
        array = self._ready(array)

        def build():
            if op in (ReduceOp.SUM, ReduceOp.MEAN):
                out = dist.all_sum(array, group=group)
                return (out / size).astype(array.dtype) if op is ReduceOp.MEAN else out
            if op is ReduceOp.MAX:
                return dist.all_max(array, group=group)
            if op is ReduceOp.MIN:
                return dist.all_min(array, group=group)
            gathered = dist.all_gather(array.reshape((1,) + array.shape), group=group)
            return mx.prod(gathered, axis=0).astype(array.dtype)

        return self._submit(build, f"all_reduce({op.name})")

    def broadcast(self, array, src: int):
        mx, group = self.mx, self.group
        array = self._ready(array)
        mine = self.rank == src

        def build():
            send = array if mine else mx.zeros_like(array)
            wire = send.astype(mx.uint8) if array.dtype == mx.bool_ else send
            return mx.distributed.all_sum(wire, group=group).astype(array.dtype)

        return self._submit(build, f"broadcast(src={src})").wait()

    def all_gather(self, array) -> list:
        mx, group = self.mx, self.group
        array = self._ready(array)

        def build():
            return mx.distributed.all_gather(array.reshape((1,) + array.shape), group=group)

        out = self._submit(build, "all_gather").wait()
        return [out[i] for i in range(self.world_size)]

    def barrier(self) -> None:
        mx, group = self.mx, self.group
        self._submit(lambda: mx.distributed.all_sum(mx.array(1.0), group=group),
                     "barrier").wait()
