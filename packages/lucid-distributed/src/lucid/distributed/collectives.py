"""Collectives on Lucid tensors, in place as in PyTorch (``all_reduce(t)`` changes ``t``).

Each converts the tensor's data for the engine (as it is where the engine speaks the
backend's arrays, e.g. MLX's engine and MLX tensors; through NumPy otherwise), runs the
engine's collective, and writes the result back with ``set_`` (which bumps the version
counter, so a backward that saved the old values refuses to run).

``all_reduce`` on a tensor that requires grad is differentiable: with ``SUM`` the
gradient reaching the input is the all-reduce (sum) of the output gradients of every
rank, as for PyTorch's functional collectives; use :func:`all_reduce_differentiable`,
which returns a new tensor instead of changing its argument.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.distributed.engine import DistributedError, ReduceOp
from lucid.distributed.process_group import engine

__all__ = ["all_reduce", "broadcast", "all_gather", "reduce_scatter", "barrier",
           "all_reduce_differentiable", "to_engine", "from_engine"]


def to_engine(comm, t: lucid.Tensor):
    return t.data if comm.native(t._backend) else t.numpy()


def from_engine(comm, t: lucid.Tensor, array):
    if comm.native(t._backend):
        return array
    return lucid.tensor(np.asarray(array), dtype=t.dtype, device=t.device).data


def _op(op) -> ReduceOp:
    if isinstance(op, ReduceOp):
        return op
    try:
        return ReduceOp[str(op).upper()]
    except KeyError:
        raise ValueError(f"all_reduce: unknown op {op!r}; use one of "
                         f"{', '.join(o.name for o in ReduceOp)}") from None


def _tensor(name: str, t) -> lucid.Tensor:
    if not isinstance(t, lucid.Tensor):
        raise TypeError(f"{name}: expected a lucid.Tensor, got {type(t).__name__}")
    return t


def all_reduce(tensor, op=ReduceOp.SUM) -> lucid.Tensor:
    """Every rank's ``tensor`` becomes the reduction (``op``) of all ranks' values."""
    t = _tensor("all_reduce", tensor)
    comm, op = engine(), _op(op)
    t.set_(from_engine(comm, t, comm.all_reduce(to_engine(comm, t), op)))
    return t


def broadcast(tensor, src: int = 0) -> lucid.Tensor:
    """Every rank's ``tensor`` becomes rank ``src``'s."""
    t = _tensor("broadcast", tensor)
    comm = engine()
    if not 0 <= src < comm.world_size:
        raise ValueError(f"broadcast: src {src} is not a rank of a group of "
                         f"{comm.world_size}")
    t.set_(from_engine(comm, t, comm.broadcast(to_engine(comm, t), src)))
    return t


def all_gather(tensor_list: list, tensor) -> list:
    """``tensor_list[r]`` becomes rank ``r``'s ``tensor`` (PyTorch's argument order).
    Pass ``None`` as ``tensor_list`` to get a new list."""
    t = _tensor("all_gather", tensor)
    comm = engine()
    parts = comm.all_gather(to_engine(comm, t))
    if tensor_list is None:
        return [lucid.tensor(np.asarray(p) if not comm.native(t._backend) else p,
                             dtype=t.dtype, device=t.device) for p in parts]
    if len(tensor_list) != comm.world_size:
        raise ValueError(f"all_gather: tensor_list has {len(tensor_list)} tensors for a "
                         f"group of {comm.world_size}")
    for out, part in zip(tensor_list, parts):
        _tensor("all_gather", out).set_(from_engine(comm, out, part))
    return tensor_list


def reduce_scatter(output, input, op=ReduceOp.SUM) -> lucid.Tensor:  # noqa: A002
    """``output`` (shape ``(n, ...)``) becomes the reduction of every rank's ``r``-th
    chunk of ``input`` (shape ``(world_size * n, ...)``), ``r`` this rank."""
    out, inp = _tensor("reduce_scatter", output), _tensor("reduce_scatter", input)
    comm, op = engine(), _op(op)
    if inp.ndim == 0 or inp.shape[0] != comm.world_size * (out.shape[0] if out.ndim else -1) \
            or inp.shape[1:] != out.shape[1:]:
        raise ValueError(f"reduce_scatter: input of shape {inp.shape} is not "
                         f"{comm.world_size} chunks of the output's shape {out.shape}")
    out.set_(from_engine(comm, out, comm.reduce_scatter(to_engine(comm, inp), op)))
    return out


def barrier() -> None:
    """Wait until every rank has called ``barrier``."""
    engine().barrier()


def all_reduce_differentiable(tensor, op=ReduceOp.SUM) -> lucid.Tensor:
    """A new tensor holding the all-reduce (``SUM`` or ``MEAN``) of ``tensor``; its
    gradient is the same all-reduce of the output gradients of every rank (so each rank's
    input receives the gradient of the total loss)."""
    t = _tensor("all_reduce", tensor)
    comm, op = engine(), _op(op)
    if op not in (ReduceOp.SUM, ReduceOp.MEAN):
        raise DistributedError(f"all_reduce_differentiable: op {op.name} has no gradient "
                               "here; use SUM or MEAN")
    reduced = lucid.tensor(np.asarray(comm.all_reduce(t.detach().numpy(), op)),
                           dtype=t.dtype, device=t.device)
    out = t + (reduced - t.detach())  # the value of the reduction, gradient 1 locally
    if out.requires_grad:
        def reduce_gradient(g):
            g = lucid.tensor(np.asarray(comm.all_reduce(g.numpy(), op)), dtype=g.dtype,
                             device=g.device)
            return g
        out.register_hook(reduce_gradient)
    return out
