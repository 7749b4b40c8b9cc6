"""Reverse-mode autodiff: ``backward`` and the functional ``grad``.

Algorithm: sort the nodes reachable from the roots topologically, seed each root with
its gradient, then visit nodes from the roots down. For each node, gradients of its
outputs (hooks applied) go through the op's VJP once; the engine sums each input
gradient back to the input's shape (undoing broadcasting), and either passes it to the
input's creator node or accumulates it into the leaf's ``.grad``. Saved values are freed
after use unless ``retain_graph``. With ``create_graph`` the VJPs run in grad mode, so
the gradients have graphs of their own.
"""

from __future__ import annotations

from lucid.autograd.grad_mode import set_grad_enabled


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


def sum_to_shape(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched to reach its shape."""
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(tuple(shape)) if grad.shape != tuple(shape) else grad


def run_backward(roots, seeds, retain_graph=False, create_graph=False, capture=None):
    """Propagate ``seeds`` (one per root tensor) through the graph.

    Without ``capture`` gradients accumulate into the ``.grad`` of leaves. With
    ``capture`` (a dict keyed by leaf ``id`` or ``(node id, slot)``), the gradients of
    exactly those tensors are stored there instead and no ``.grad`` changes.
    """
    from lucid.tensor import Tensor

    pending: dict[int, list] = {}
    leaf_grads: list = []
    with set_grad_enabled(create_graph):
        for root, seed in zip(roots, seeds):
            if root._node is None:
                _deliver_leaf(root, seed, create_graph, capture, leaf_grads)
                continue
            slots = pending.setdefault(id(root._node), [None] * root._node.n_outputs)
            slot = slots[root._out_index]
            slots[root._out_index] = seed if slot is None else slot + seed
        for node in _topological_nodes([r._node for r in roots]):
            grads = pending.pop(id(node), None)
            if grads is None:
                continue
            node._check_alive()
            for i, g in enumerate(grads):
                if g is None:
                    continue
                if node.hooks is not None:
                    for hook in node.hooks[i]:
                        result = hook(g)
                        g = result if result is not None else g
                if capture is not None and (id(node), i) in capture:
                    capture[(id(node), i)] = g
                if node.retained and i in node.retained:
                    target = node.retained[i]()
                    if target is not None:
                        keep = g if create_graph else g.detach()
                        target.grad = keep if target.grad is None else target.grad + keep
                grads[i] = g
            if node.n_outputs > 1:
                grads = [g if g is not None else _zeros_for(node, i)
                         for i, g in enumerate(grads)]
            in_grads = node.op.vjp(node, *grads)
            if isinstance(in_grads, Tensor) or in_grads is None:
                in_grads = (in_grads,)
            for edge, shape, g in zip(node.edges, node.in_shapes, in_grads):
                if edge is None or g is None:
                    continue
                if not isinstance(g, Tensor):
                    raise TypeError(f"vjp of op {node.op.name!r} returned {type(g).__name__}")
                g = sum_to_shape(g, shape)
                if type(edge) is tuple:
                    parent, slot = edge
                    slots = pending.setdefault(id(parent), [None] * parent.n_outputs)
                    slots[slot] = g if slots[slot] is None else slots[slot] + g
                else:
                    _deliver_leaf(edge, g, create_graph, capture, leaf_grads)
            if not retain_graph:
                node.free()
    _evaluate(leaf_grads)


def _zeros_for(node, index):
    from lucid.ops.creation import zeros

    out = node.saved_output(index) if node.out_data is not None else None
    if out is None:
        raise RuntimeError(f"op {node.op.name!r}: an unused output has no saved value")
    return zeros(out.shape, dtype=out.dtype, device=out.device)


def _deliver_leaf(leaf, g, create_graph, capture, leaf_grads) -> None:
    if capture is not None:
        key = id(leaf)
        if key in capture:
            capture[key] = g if capture[key] is None else capture[key] + g
        return
    for hook in leaf._hooks or ():
        result = hook(g)
        g = result if result is not None else g
    if g.dtype != leaf.dtype:
        g = g.astype(leaf.dtype)
    if not create_graph:
        g = g.detach()
    leaf.grad = g if leaf.grad is None else leaf.grad + g
    leaf_grads.append(leaf.grad)


def _evaluate(tensors) -> None:
    """Force lazy backends to compute the gradients now, so graphs don't pile up: one
    ``backend.eval`` call per backend (on a GPU, each call can be a synchronisation)."""
    from lucid.lazy import eval_tensors

    eval_tensors(tensors)
