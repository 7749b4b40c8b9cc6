"""The autodiff graph of a tensor as a networkx ``DiGraph``, and its picture.

Nodes are of two kinds (attribute ``kind``):

- ``"op"``: one recorded op application (a :class:`~lucid.autograd.node.Node`), labelled by
  the op name;
- ``"tensor"``: a value: the root, each op output the graph passes through, each leaf that
  requires grad (``is_leaf``), and each input that did not require grad (``requires_grad``
  False, a constant for autodiff). Attributes: ``shape``, ``requires_grad``, ``is_leaf``.

Edges run the way values flow: input tensor -> op -> output tensor. Shapes of intermediate
outputs come from the consumers' recorded input shapes, so no value is read.
"""

from __future__ import annotations

from lucid.visual._deps import networkx
from lucid.visual._draw import layered_positions, render

__all__ = ["draw_tensor_graph", "tensor_graph"]

_COLORS = {"op": "#b7e4a7", "grad": "#ffd59e", "const": "#e0e0e0", "root": "#9ecbff"}


def tensor_graph(tensor, names: dict | None = None):
    """The graph that computed ``tensor`` (see module doc). ``names`` maps tensors (e.g.
    ``dict(model.named_parameters())`` inverted, or ``{"x": x}``) to labels."""
    nx = networkx()
    labels = {id(t): n for n, t in (names or {}).items()}
    g = nx.DiGraph()
    root = _tensor_id(tensor)
    g.add_node(root, kind="tensor", shape=tuple(tensor.shape),
               requires_grad=bool(tensor.requires_grad), is_leaf=tensor._node is None,
               name=labels.get(id(tensor), "output"))
    if tensor._node is None:
        return g
    g.add_edge(_op_id(tensor._node), root)
    stack, seen = [tensor._node], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        op = _op_id(node)
        g.add_node(op, kind="op", op=node.op.name)
        for i, (edge, shape) in enumerate(zip(node.edges, node.in_shapes)):
            if edge is None:
                src = f"const:{id(node)}:{i}"
                g.add_node(src, kind="tensor", shape=tuple(shape), requires_grad=False,
                           is_leaf=True, name="")
            elif type(edge) is tuple:
                parent, slot = edge
                src = f"out:{id(parent)}:{slot}"
                g.add_node(src, kind="tensor", shape=tuple(shape), requires_grad=True,
                           is_leaf=False, name="")
                g.add_edge(_op_id(parent), src)
                stack.append(parent)
            else:
                src = _tensor_id(edge)
                g.add_node(src, kind="tensor", shape=tuple(shape), requires_grad=True,
                           is_leaf=True, name=labels.get(id(edge), ""))
            g.add_edge(src, op, index=i)
    return g


def draw_tensor_graph(tensor, path=None, *, horizontal: bool = False,
                      title: str | None = None, names: dict | None = None,
                      start_id: int | None = None):
    """Draw the autodiff graph of ``tensor`` (ops as green ellipses; tensors as boxes with
    their shape: orange when they require grad, grey when not, blue for ``tensor``, or for
    the tensor whose ``id()`` is ``start_id``, the original Lucid's highlight); save it to
    ``path`` (``.png``/``.svg``) when given; return the matplotlib Figure."""
    nx = networkx()
    g = tensor_graph(tensor, names)
    root = f"tensor:{start_id}" if start_id is not None else _tensor_id(tensor)
    for node, data in g.nodes(data=True):
        if data["kind"] == "op":
            data.update(label=data["op"], shape="ellipse", color=_COLORS["op"])
            continue
        text = "(" + ",".join(map(str, data["shape"])) + ")"
        if data["name"]:
            text = f"{data['name']}\n{text}"
        if data["requires_grad"]:
            text += "\nrequires_grad"
        color = _COLORS["root"] if node == root else (
            _COLORS["grad"] if data["requires_grad"] else _COLORS["const"])
        data.update(label=text, shape="box", color=color)
    return render(g, layered_positions(g, nx), path, title, horizontal)


def _tensor_id(t) -> str:
    return f"tensor:{id(t)}"


def _op_id(node) -> str:
    return f"op:{id(node)}"
