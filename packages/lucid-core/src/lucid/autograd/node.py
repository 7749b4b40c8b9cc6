"""A recorded op application: the node of the autodiff graph.

A node keeps what backward needs and nothing more: for each input an *edge*
(the input's creator node and output slot, or the leaf tensor itself), the input
shapes, the op parameters, and the tensors the op chose to save. ``free()`` drops the
saved tensors after backward (unless ``retain_graph``), so a second backward through it
raises a clear error.
"""

from __future__ import annotations

from typing import Any


class Node:
    __slots__ = ("op", "params", "inputs", "edges", "in_shapes", "out_data", "n_outputs",
                 "hooks", "retained", "freed", "needs_grad", "__weakref__")

    def __init__(self, op, inputs, params, out_data, n_outputs: int) -> None:
        self.op = op
        self.params = params
        self.inputs = inputs  # the input tensors, needed by the VJP; dropped by free()
        self.edges = tuple(_edge(t) for t in inputs)
        self.in_shapes = tuple(t.shape for t in inputs)
        self.needs_grad = tuple(e is not None for e in self.edges)
        self.out_data = out_data if (op.save_output or n_outputs > 1) else None
        self.n_outputs = n_outputs
        self.hooks: list[list] | None = None
        self.retained: dict[int, Any] | None = None
        self.freed = False

    # -- what the op's VJP reads -------------------------------------------------------
    @property
    def output(self):
        """The op's (first) output as a tensor linked to this node (for create_graph)."""
        return self.saved_output(0)

    def saved_output(self, index: int):
        from lucid.tensor import Tensor

        self._check_alive()
        data = self.out_data[index] if self.n_outputs > 1 else self.out_data
        return Tensor._wrap(data, self.inputs[0].device, node=self, index=index)

    def _check_alive(self) -> None:
        if self.freed:
            raise RuntimeError(
                f"backward: trying to backward through the graph of op {self.op.name!r} a "
                "second time, but its saved values were freed. Call backward(retain_graph=True) "
                "the first time if you need to backward twice.")

    def add_hook(self, index: int, fn) -> None:
        if self.hooks is None:
            self.hooks = [[] for _ in range(self.n_outputs)]
        self.hooks[index].append(fn)

    def free(self) -> None:
        self.inputs = None
        self.out_data = None
        self.freed = True

    def __repr__(self) -> str:
        return f"<Node {self.op.name}>"


def _edge(tensor):
    if not tensor.requires_grad:
        return None
    if tensor._node is not None:
        return (tensor._node, tensor._out_index)
    return tensor  # a leaf
