"""``DistributedDataParallel``: every rank trains a replica on its share of each batch.

At construction the replicas are checked to have the same parameters (names and shapes;
a mismatch names the first difference) and rank 0's parameters and buffers are copied to
every rank. After each ``backward()``, the gradients are averaged over the ranks::

    p.grad = (1 / world_size) * sum over ranks r of p.grad_r

so one optimizer step on every rank keeps the replicas equal, and equals one step on the
whole batch (the mean loss of the whole batch is the mean of the ranks' mean losses when
the shares are equal). Gradients travel in *buckets* of about ``bucket_cap_mb``
megabytes (parameters in reverse registration order, the order backward produces them):
one collective per bucket instead of one per parameter. A bucket's reduction starts as
soon as its last gradient is accumulated (``register_post_accumulate_grad_hook``) and
the last bucket waits for all.

``no_sync()`` skips the reduction (gradients accumulate locally, as for gradient
accumulation); the first backward outside it reduces the accumulated sums.
``find_unused_parameters=True`` lets a forward leave parameters out of the graph (their
gradient counts as zero); without it a parameter that got no gradient is reported at the
next forward, as PyTorch does. ``state_dict()`` has the bare module's keys.
"""

from __future__ import annotations

import contextlib
import hashlib

import numpy as np

import lucid
import lucid.nn as nn
from lucid.distributed.collectives import from_engine, to_engine
from lucid.distributed.engine import DistributedError, ReduceOp
from lucid.distributed.process_group import engine

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(nn.Module):
    def __init__(self, module: nn.Module, *, bucket_cap_mb: float = 25.0,
                 find_unused_parameters: bool = False, broadcast_buffers: bool = True) -> None:
        super().__init__()
        if not isinstance(module, nn.Module):
            raise TypeError(f"DistributedDataParallel: expected an nn.Module, got "
                            f"{type(module).__name__}")
        self.module = module
        self.find_unused_parameters = bool(find_unused_parameters)
        self.broadcast_buffers = bool(broadcast_buffers)
        comm = engine()
        self._comm = comm
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        _check_same_parameters(comm, module)
        self._sync_from_rank0(module)
        self._params = [p for _, p in named]
        self._names = {id(p): n for n, p in named}
        self._buckets = _buckets([p for _, p in reversed(named)], bucket_cap_mb)
        self._bucket_of = {id(p): i for i, bucket in enumerate(self._buckets) for p in bucket}
        self._sync = True
        self._expecting = False
        self._ready: set[int] = set()
        self._started: dict[int, object] = {}
        for p in self._params:
            p.register_post_accumulate_grad_hook(self._gradient_ready)

    # -- forward -----------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        if self._expecting and self._sync_enabled_last:
            missing = [self._names[id(p)] for p in self._params if id(p) not in self._ready]
            raise DistributedError(
                "DistributedDataParallel: the previous backward left parameters without "
                f"gradient ({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}), "
                "so their reduction never finished; pass find_unused_parameters=True if "
                "the forward does not use every parameter")
        if self.broadcast_buffers and self._comm.world_size > 1:
            for b in self.module.buffers():
                b.set_(from_engine(self._comm, b, self._comm.broadcast(to_engine(self._comm,
                                                                                 b), 0)))
        out = self.module(*args, **kwargs)
        self._ready, self._started = set(), {}
        self._sync_enabled_last = self._sync
        self._expecting = self._sync and lucid.is_grad_enabled() and self.training
        if self._expecting and self.find_unused_parameters:
            used = _leaves_reached(out)
            for p in self._params:
                if id(p) not in used:
                    self._gradient_ready(p)
        return out

    _sync_enabled_last = True

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside keep their gradients local (accumulation)."""
        previous, self._sync = self._sync, False
        try:
            yield
        finally:
            self._sync = previous

    # -- the reduction -------------------------------------------------------------------
    def _gradient_ready(self, p) -> None:
        if not self._expecting:
            return
        self._ready.add(id(p))
        index = self._bucket_of[id(p)]
        bucket = self._buckets[index]
        if all(id(q) in self._ready for q in bucket):
            self._started[index] = self._start_bucket(bucket)
        if len(self._started) == len(self._buckets):
            self._finish()

    def _start_bucket(self, bucket):
        with lucid.no_grad():
            flat = lucid.cat([(lucid.zeros_like(p) if p.grad is None else p.grad).reshape(-1)
                              for p in bucket])
        return self._comm.start_all_reduce(to_engine(self._comm, flat), ReduceOp.MEAN)

    def _finish(self) -> None:
        self._expecting = False
        for index, pending in sorted(self._started.items()):
            flat = pending.wait()
            offset = 0
            for p in self._buckets[index]:
                n = int(np.prod(p.shape))
                piece = flat[offset:offset + n].reshape(p.shape)
                offset += n
                if p.grad is None:
                    p.grad = lucid.zeros_like(p)
                p.grad.set_(from_engine(self._comm, p, piece))
        self._started = {}

    # -- the bare module's state ------------------------------------------------------------
    def state_dict(self, *args, **kwargs):
        return self.module.state_dict(*args, **kwargs)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        return self.module.load_state_dict(state_dict, strict=strict, assign=assign)

    def _sync_from_rank0(self, module) -> None:
        comm = self._comm
        if comm.world_size == 1:
            return
        with lucid.no_grad():
            for t in list(module.parameters()) + list(module.buffers()):
                t.set_(from_engine(comm, t, comm.broadcast(to_engine(comm, t), 0)))


def _buckets(params: list, cap_mb: float) -> list[list]:
    cap = max(cap_mb, 0) * 2 ** 20
    buckets, current, size = [], [], 0
    for p in params:
        nbytes = int(np.prod(p.shape)) * p.dtype.itemsize
        if current and size + nbytes > cap:
            buckets.append(current)
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        buckets.append(current)
    return buckets


def _leaves_reached(out) -> set[int]:
    """ids of the leaf tensors the graph behind ``out`` (tensors in nested containers)
    reaches."""
    roots = []

    def collect(obj):
        if isinstance(obj, lucid.Tensor):
            roots.append(obj)
        elif isinstance(obj, (list, tuple)):
            for o in obj:
                collect(o)
        elif isinstance(obj, dict):
            for o in obj.values():
                collect(o)

    collect(out)
    seen_nodes, leaves = set(), set()
    stack = [t.grad_fn for t in roots if t.grad_fn is not None]
    for t in roots:
        if t.grad_fn is None and t.requires_grad:
            leaves.add(id(t))
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        for t in node.inputs:
            if t is None:
                continue
            if t.grad_fn is None:
                leaves.add(id(t))
            else:
                stack.append(t.grad_fn)
    return leaves


def _check_same_parameters(comm, module) -> None:
    """Every rank has the same parameter names and shapes (an error naming the first
    difference from rank 0 otherwise)."""
    mine = [f"{n}{tuple(p.shape)}" for n, p in module.named_parameters()]
    digest = np.frombuffer(hashlib.sha256("|".join(mine).encode()).digest(), dtype=np.uint8)
    if all(np.array_equal(np.asarray(d), digest) for d in comm.all_gather(digest)):
        return
    text = "|".join(mine).encode()
    size = int(np.asarray(comm.all_reduce(np.array([len(text)], np.int64), ReduceOp.MAX))[0])
    texts = comm.all_gather(np.frombuffer(text.ljust(size), dtype=np.uint8))
    lists = [bytes(np.asarray(t, dtype=np.uint8)).decode().strip().split("|") for t in texts]
    other = next(r for r, theirs in enumerate(lists) if theirs != mine)
    theirs = lists[other]
    diff = next((f"{a} on rank {comm.rank} vs {b} on rank {other}" for a, b in zip(mine, theirs)
                 if a != b), f"{len(mine)} parameters on rank {comm.rank} vs {len(theirs)} "
                 f"on rank {other}")
    raise DistributedError(f"DistributedDataParallel: the replicas' parameters differ: {diff}")
