"""``loss.backward(keep_grad=True)``: the original Lucid's way to see every gradient.

The original Lucid kept ``.grad`` on every tensor of the graph when ``backward`` was
called with ``keep_grad=True`` (by default only leaves keep theirs, as in PyTorch). Lucid's
graph nodes do not hold their output tensors (nothing is kept alive that backward does not
read), so :func:`retain_all_grads` finds the live tensors made by the graph's nodes with one
scan of the garbage collector's objects and calls ``retain_grad()`` on each. That scan is
slow (milliseconds), which is fine for the teaching aid it is, and it costs nothing when
``keep_grad`` is not asked for.
"""

from __future__ import annotations

import gc


def graph_nodes(root) -> list:
    """Every node reachable from ``root``'s node through the graph's edges."""
    start = root._node
    if start is None:
        return []
    seen, stack = {id(start): start}, [start]
    while stack:
        node = stack.pop()
        for edge in node.edges:
            if isinstance(edge, tuple):
                parent = edge[0]
                if id(parent) not in seen:
                    seen[id(parent)] = parent
                    stack.append(parent)
    return list(seen.values())


def retain_all_grads(root) -> int:
    """``retain_grad()`` on every live non-leaf tensor of ``root``'s graph; returns how many."""
    from lucid.tensor import Tensor

    nodes = graph_nodes(root)
    if not nodes:
        return 0
    ids = {id(n) for n in nodes}
    count = 0
    for obj in gc.get_referrers(*nodes):
        if isinstance(obj, Tensor) and id(obj._node) in ids:
            obj.retain_grad()
            count += 1
    return count


def keep_grad_argument(aliases: dict) -> bool:
    """The value of ``backward``'s original keyword (``keep_grad=``, or the later original's
    ``retain_grad=``); any other keyword is a ``TypeError``."""
    from lucid.spellings import original_keywords

    kw = original_keywords("backward", aliases,
                           {"keep_grad": "keep_grad", "retain_grad": "keep_grad"})
    return bool(kw.get("keep_grad"))
