"""A recorded op application: the node of the autodiff graph.

A node keeps what backward needs and nothing more: for each input an *edge* (the
input's creator node and output slot, the leaf tensor itself, or ``None`` when the input
needs no gradient), the input shapes, the op parameters, and the values the op declared
that its VJP reads (``Op.save_inputs`` / ``Op.save_output``), as backend-native arrays.

Saved-tensor safety: with each saved input the node records the tensor and its version
counter (``Tensor._version``, bumped by every in-place write). If a saved tensor was
modified in place between forward and backward, :meth:`check_saved` raises instead of
letting the VJP read values that are no longer the ones the forward used, as PyTorch does.

``free()`` drops the saved values after backward (unless ``retain_graph``), so a second
backward through the node raises a clear error.
"""

from __future__ import annotations

import weakref
from typing import Any


class Node:
    __slots__ = ("op", "params", "edges", "in_shapes", "in_dtypes", "needs_grad", "saved",
                 "saved_tensors", "saved_at", "saved_versions", "out_data", "out_ref",
                 "n_outputs", "device", "backend", "hooks", "retained", "freed",
                 "__weakref__")

    def __init__(self, op, inputs, params, out_data, n_outputs: int, device, backend) -> None:
        self.op = op
        self.params = params
        self.device = device
        self.backend = backend
        self.n_outputs = n_outputs
        keep = op.save_inputs
        if len(inputs) == 2:  # straight-line code for the most common arity
            x, y = inputs
            xd, yd = x._data, y._data
            rx, ry = x.requires_grad, y.requires_grad
            self.in_shapes = (xd.shape, yd.shape)
            self.needs_grad = (rx, ry)
            self.edges = (((x if x._node is None else (x._node, x._out_index)) if rx else None),
                          ((y if y._node is None else (y._node, y._out_index)) if ry else None))
            saved = (xd, yd) if keep is None else None
            versions = (x._version, y._version) if keep is None else None
        else:
            edges, needs, shapes = [], [], []
            saved, versions = ([], []) if keep is None else (None, None)
            for t in inputs:
                data = t._data
                shapes.append(data.shape)
                if t.requires_grad:
                    needs.append(True)
                    parent = t._node
                    edges.append(t if parent is None else (parent, t._out_index))
                else:
                    needs.append(False)
                    edges.append(None)
                if saved is not None:  # the op keeps every input
                    saved.append(data)
                    versions.append(t._version)
            self.edges = edges
            self.needs_grad = needs
            self.in_shapes = shapes
        self.in_dtypes = [t.dtype for t in inputs] if op.save_input_dtypes else None
        if keep is None:
            self.saved = saved
            self.saved_tensors = inputs
            self.saved_at = None
            self.saved_versions = versions
        elif keep:
            saved = [None] * len(inputs)
            for i in keep:
                saved[i] = inputs[i]._data
            self.saved = saved
            self.saved_tensors = [inputs[i] for i in keep]
            self.saved_at = keep
            self.saved_versions = [inputs[i]._version for i in keep]
        else:
            self.saved = self.saved_tensors = self.saved_at = self.saved_versions = None
        self.out_data = out_data if (op.save_output or n_outputs > 1) else None
        self.out_ref = None
        self.hooks: list[list] | None = None
        self.retained: dict[int, Any] | None = None
        self.freed = False

    def watch_output(self, tensor) -> None:
        """Remember the output tensor (weakly), so an in-place change of a saved output
        is refused at backward like a change of a saved input."""
        self.out_ref = (weakref.ref(tensor), tensor._version)

    def in_dtype(self, index: int):
        """The Lucid dtype of input ``index`` (ops that set ``save_input_dtypes``)."""
        return self.in_dtypes[index]

    # -- safety ------------------------------------------------------------------------
    def check_saved(self) -> None:
        """Raise when the saved values were freed, or a saved tensor changed in place."""
        if self.freed:
            raise RuntimeError(
                f"backward: trying to backward through the graph of op {self.op.name!r} a "
                "second time, but its saved values were freed. Call backward(retain_graph=True) "
                "the first time if you need to backward twice.")
        if self.saved_tensors is not None:
            for j, tensor in enumerate(self.saved_tensors):
                if tensor._version != self.saved_versions[j]:
                    index = j if self.saved_at is None else self.saved_at[j]
                    self._modified(f"input {index}", tensor, self.saved_versions[j])
        if self.out_ref is not None:
            ref, version = self.out_ref
            tensor = ref()
            if tensor is not None and tensor._version != version:
                self._modified("its output", tensor, version)

    def _modified(self, what: str, tensor, version: int):
        raise RuntimeError(
            f"backward: one of the tensors needed for the gradient of op {self.op.name!r} "
            f"({what}, a tensor of shape {tuple(tensor._data.shape)}) has been modified by an "
            f"in-place operation: it is at version {tensor._version}, the op saved version "
            f"{version}. Compute the in-place change after backward, or on a clone().")

    def restamp(self, tensor) -> None:
        """``tensor`` (an input of this node) becomes this node's own in-place result: the
        node keeps its saved snapshot of the old values, and records the new version."""
        if self.saved_tensors is not None:
            self.saved_versions = [t._version if t is tensor else v
                                   for t, v in zip(self.saved_tensors, self.saved_versions)]

    # -- what the op's VJP reads (as Tensors; the raw interpreter reads ``saved``) -------
    @property
    def inputs(self) -> tuple:
        """The saved inputs as tensors linked to the graph (``None`` where not saved): a
        leaf is the leaf itself, an op result a tensor on its creator's output slot, so
        a VJP evaluated on them (``create_graph``) records a differentiable graph."""
        from lucid.tensor import Tensor

        if self.saved is None:
            if self.freed:
                self.check_saved()
            return (None,) * len(self.edges)
        out = []
        for data, edge in zip(self.saved, self.edges):
            if data is None:
                out.append(None)
            elif edge is None:
                out.append(Tensor._wrap(data, self.device, backend=self.backend))
            elif type(edge) is tuple:
                out.append(Tensor._wrap(data, self.device, edge[0], edge[1], self.backend))
            else:
                out.append(edge)
        return tuple(out)

    @property
    def output(self):
        """The op's (first) output as a tensor linked to this node (for create_graph)."""
        return self.saved_output(0)

    def saved_output(self, index: int):
        from lucid.tensor import Tensor

        data = self.out_data[index] if self.n_outputs > 1 else self.out_data
        return Tensor._wrap(data, self.device, node=self, index=index, backend=self.backend)

    def add_hook(self, index: int, fn) -> None:
        if self.hooks is None:
            self.hooks = [[] for _ in range(self.n_outputs)]
        self.hooks[index].append(fn)

    def free(self) -> None:
        self.saved = None
        self.saved_tensors = self.saved_versions = None
        self.out_data = None
        self.out_ref = None
        self.freed = True

    def __repr__(self) -> str:
        return f"<Node {self.op.name}>"
