"""Reverse-mode autodiff: ``backward`` and the functional ``grad``.

Algorithm: sort the nodes reachable from the roots topologically, seed each root with
its gradient, then visit nodes from the roots down. For each node, the saved values are
checked (not freed, not modified in place since the forward), the gradients of its
outputs (hooks applied) go through the op's VJP once, and the engine sums each input
gradient back to the input's shape (undoing broadcasting) and either adds it to the
input's creator node or accumulates it into the leaf's ``.grad``. Saved values are freed
after use unless ``retain_graph``.

One VJP, two interpreters (:mod:`lucid.autograd.interpreters`): without
``create_graph`` every VJP runs on the backend's native arrays (its kernels called
directly, no Tensor, no checks, no graph; sums of gradients accumulate in place); with
``create_graph`` the same VJP runs on Tensors in grad mode, so the gradients have graphs
of their own. Only what user code sees (hooks, ``retain_grad``, ``.grad``, ``lucid.grad``)
is wrapped in Tensors.
"""

from __future__ import annotations

from lucid.autograd.grad_mode import set_grad_enabled
from lucid.autograd.gradient_check import check_gradient
from lucid.autograd.interpreters import raw_ops, tensor_ops


def _topological_nodes(roots):
    """Nodes reachable from ``roots``, each after every node that consumes its outputs."""
    order, seen = [], set()
    for root in roots:
        if root is None or id(root) in seen:
            continue
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for edge in node.edges:
                if type(edge) is tuple and id(edge[0]) not in seen:
                    stack.append((edge[0], False))
    order.reverse()
    return order


def sum_to_shape(k, grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched to reach its shape
    (``k``: the interpreter ``grad`` belongs to)."""
    gshape = tuple(grad.shape)
    shape = tuple(shape)
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    if axes:
        grad = k.sum(grad, axis=axes, keepdims=True)
    return k.reshape(grad, shape=shape) if tuple(grad.shape) != shape else grad


class _Pass:
    """The state of one backward pass."""

    def __init__(self, create_graph: bool, capture) -> None:
        self.graph = create_graph
        self.capture = capture
        self.pending: dict[int, list] = {}
        self.fresh: set = set()  # (node id, slot) sums this pass made: safe to add into
        self.leaves: dict[int, list] = {}  # id -> [leaf, summed gradient, fresh]
        self.leaf_grads: list = []

    # -- gradients flowing into a node's output slot -----------------------------------
    def add_to_slot(self, node, slot: int, g) -> None:
        slots = self.pending.get(id(node))
        if slots is None:
            slots = self.pending[id(node)] = [None] * node.n_outputs
        old = slots[slot]
        if old is None:
            slots[slot] = g
        elif self.graph:
            slots[slot] = old + g
        elif (id(node), slot) in self.fresh:
            old += g  # our own buffer: in place where the backend allows it
            slots[slot] = old
        else:
            slots[slot] = old + g
            self.fresh.add((id(node), slot))

    # -- gradients reaching a leaf -------------------------------------------------------
    def add_to_leaf(self, leaf, g) -> None:
        """Sum the gradients reaching ``leaf`` during the pass (delivered once, at the end,
        as PyTorch's AccumulateGrad: its hooks see the total)."""
        entry = self.leaves.get(id(leaf))
        if entry is None:
            self.leaves[id(leaf)] = [leaf, g, False]
        elif self.graph:
            entry[1] = entry[1] + g
        elif entry[2]:
            entry[1] += g  # our own buffer: in place where the backend allows it
        else:
            entry[1] = entry[1] + g
            entry[2] = True

    def deliver_leaves(self) -> None:
        for leaf, g, _ in self.leaves.values():
            self.deliver_leaf(leaf, g)
        if self.capture is None:
            for leaf, _, _ in self.leaves.values():
                post_hooks = leaf.__dict__.get("_post_accumulate_hooks")
                if post_hooks:
                    for hook in list(post_hooks):
                        hook(leaf)

    def deliver_leaf(self, leaf, g) -> None:
        from lucid.tensor import Tensor

        if self.graph:
            tensor = g
        else:
            backend = leaf._backend
            if not backend.is_native(g):
                g = _native(backend, g)
            if g.dtype != leaf._data.dtype:
                g = raw_ops(backend).astype(g, dtype=leaf.dtype)
            tensor = Tensor._wrap(g, leaf._device, backend=backend)
        if self.capture is not None:
            key = id(leaf)
            if key in self.capture:
                self.capture[key] = tensor
            return
        if leaf._hooks:
            for hook in leaf._hooks:
                tensor = checked_hook_result(hook, tensor, "a leaf tensor")
            if tensor.dtype != leaf.dtype:
                tensor = tensor.astype(leaf.dtype)
            if not self.graph and tensor._node is not None:
                tensor = tensor.detach()
        elif self.graph and tensor.dtype != leaf.dtype:
            tensor = tensor.astype(leaf.dtype)
        old = leaf._grad
        if old is None:
            leaf._grad = tensor
        elif self.graph or old._node is not None:
            leaf._grad = old + tensor
        else:  # accumulate into the same .grad tensor, as PyTorch does
            old._data = old._data + tensor._data
            old._version += 1
        self.leaf_grads.append(leaf._grad)

    # -- what user code sees of a node's output gradients ----------------------------------
    def observe(self, node, grads: list) -> None:
        """Run tensor hooks, fill ``retain_grad`` tensors and captured gradients."""
        from lucid.tensor import Tensor

        for i, g in enumerate(grads):
            if g is None:
                continue
            tensor = g if self.graph else Tensor._wrap(_native(node.backend, g), node.device,
                                                       backend=node.backend)
            if node.hooks is not None:
                for hook in node.hooks[i]:
                    tensor = checked_hook_result(hook, tensor, f"output {i} of op "
                                                 f"{node.op.name!r}")
            key = (id(node), i)
            if self.capture is not None and key in self.capture:
                self.capture[key] = tensor
            if node.retained and i in node.retained:
                target = node.retained[i]()
                if target is not None:
                    keep = tensor if self.graph else tensor.detach()
                    target._grad = keep if target._grad is None else target._grad + keep
            grads[i] = tensor if self.graph else tensor._data


def checked_hook_result(hook, g, what: str):
    """``hook(g)``, or ``g`` when it returns None; a result of another shape or dtype than
    ``g`` is refused with an error naming the hook."""
    from lucid.tensor import Tensor

    result = hook(g)
    if result is None:
        return g
    name = getattr(hook, "__qualname__", repr(hook))
    if not isinstance(result, Tensor):
        raise TypeError(f"backward: hook {name} on {what} returned {type(result).__name__}, "
                        "expected a Tensor or None")
    check_gradient(result, g.shape, g.dtype, f"backward: hook {name} on {what} returned a "
                   "gradient")
    return result


def _native(backend, g):
    """A raw gradient as the backend's array type (NumPy arithmetic on 0-d arrays gives
    NumPy scalars)."""
    if backend.is_native(g):
        return g
    import numpy as np

    return backend.from_numpy(np.asarray(g))


def _run_vjp(k, node, grads):
    """The op's VJP on this pass's representation; returns one gradient per input."""
    op = node.op
    if op.tensor_vjp:  # ops whose VJP calls user code (hooks, custom Functions)
        if k.graph:
            return op.vjp(node, *grads)
        from lucid.tensor import Tensor

        wrapped = [None if g is None else Tensor._wrap(_native(node.backend, g), node.device,
                                                       backend=node.backend) for g in grads]
        result = op.vjp(node, *wrapped)
        if isinstance(result, Tensor) or result is None:
            result = (result,)
        return [None if r is None else _unwrap(r, op) for r in result]
    return op.vjp(k, node, *grads)


def _unwrap(value, op):
    from lucid.tensor import Tensor

    if not isinstance(value, Tensor):
        raise TypeError(f"backward: the VJP of op {op.name!r} returned "
                        f"{type(value).__name__}, expected a Tensor or None")
    return value._data


def _zeros_for(node, index: int, graph: bool):
    """Zeros shaped like output ``index`` (an output no gradient reached)."""
    data = node.out_data[index]
    if graph:
        from lucid.ops.creation import zeros

        out = node.saved_output(index)
        return zeros(out.shape, dtype=out.dtype, device=out.device)
    return raw_ops(node.backend).full(shape=tuple(data.shape), fill_value=0,
                                      dtype=node.backend.dtype_of(data))


def run_backward(roots, seeds, retain_graph=False, create_graph=False, capture=None):
    """Propagate ``seeds`` (one Tensor per root tensor) through the graph.

    Without ``capture`` gradients accumulate into the ``.grad`` of leaves. With
    ``capture`` (a dict keyed by leaf ``id`` or ``(node id, slot)``), the gradients of
    exactly those tensors are stored there (as Tensors) instead and no ``.grad`` changes.
    """
    state = _Pass(create_graph, capture)
    graph = create_graph
    with set_grad_enabled(create_graph):
        for root, seed in zip(roots, seeds):
            g = seed if graph else seed._data
            if root._node is None:
                state.add_to_leaf(root, g)
            else:
                state.add_to_slot(root._node, root._out_index, g)
        for node in _topological_nodes([r._node for r in roots]):
            grads = state.pending.pop(id(node), None)
            if grads is None:
                continue
            node.check_saved()
            if node.hooks is not None or node.retained or capture is not None:
                state.observe(node, grads)
            if node.n_outputs > 1:
                grads = [g if g is not None else _zeros_for(node, i, graph)
                         for i, g in enumerate(grads)]
            k = tensor_ops() if graph else raw_ops(node.backend)
            in_grads = _run_vjp(k, node, grads)
            if type(in_grads) is not tuple and type(in_grads) is not list:
                in_grads = (in_grads,)
            if len(in_grads) != len(node.edges):
                raise RuntimeError(f"backward: the VJP of op {node.op.name!r} returned "
                                   f"{len(in_grads)} gradients for {len(node.edges)} inputs")
            for edge, shape, g in zip(node.edges, node.in_shapes, in_grads):
                if edge is None or g is None:
                    continue
                if g.shape != shape:
                    g = sum_to_shape(k, g, shape)
                if type(edge) is tuple:
                    state.add_to_slot(edge[0], edge[1], g)
                else:
                    state.add_to_leaf(edge, g)
            if not retain_graph:
                node.free()
        state.deliver_leaves()
    _evaluate(state.leaf_grads)


def _evaluate(tensors) -> None:
    """Force lazy backends to compute the gradients now, so graphs don't pile up: one
    ``backend.eval`` call per backend (on a GPU, each call can be a synchronisation)."""
    from lucid.lazy import eval_tensors

    eval_tensors(tensors)
