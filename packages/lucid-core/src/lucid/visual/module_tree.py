"""The module tree of a model as a networkx ``DiGraph``, and its picture.

One node per submodule, keyed by its qualified name (``""`` for the model itself), with
attributes ``kind`` (class name) and ``params`` (parameters it holds, children included);
an edge from each module to each direct child.
"""

from __future__ import annotations

from lucid.visual._deps import networkx
from lucid.visual._draw import render

__all__ = ["draw_module_tree", "module_tree"]


def module_tree(model):
    """The tree of ``model``'s submodules (see module doc)."""
    if not hasattr(model, "named_modules"):
        raise TypeError(f"module_tree: expected a module (with named_modules()), got "
                        f"{type(model).__name__}")
    nx = networkx()
    g = nx.DiGraph()
    for name, module in model.named_modules():
        g.add_node(name, kind=type(module).__name__,
                   params=sum(p.numel() for p in module.parameters()))
        if name:
            g.add_edge(name.rpartition(".")[0], name)
    return g


def draw_module_tree(model, path=None, *, horizontal: bool = False, title: str | None = None,
                     max_depth: int | None = None):
    """Draw ``model``'s module tree (name, class, parameter count per box), down to
    ``max_depth`` levels; save it to ``path`` when given; return the matplotlib Figure."""
    g = module_tree(model)
    if max_depth is not None:
        g = g.subgraph([n for n in g if _depth(n) <= max_depth]).copy()
    for name, data in g.nodes(data=True):
        short = name.rpartition(".")[2] or "model"
        data.update(label=f"{short}\n{data['kind']}\n{data['params']:,} params", shape="box",
                    color="#9ecbff" if g.out_degree(name) else "#ffd59e")
    return render(g, _tree_positions(g), path, title, horizontal)


def _depth(name: str) -> int:
    return 0 if not name else name.count(".") + 1


def _tree_positions(g) -> dict:
    """Leaves side by side in visiting order, each parent centred over its children."""
    pos, next_x = {}, [0.0]

    def place(node):
        children = list(g.successors(node))
        if not children:
            pos[node] = (next_x[0], -_depth(node))
            next_x[0] += 1
        else:
            for child in children:
                place(child)
            xs = [pos[c][0] for c in children]
            pos[node] = ((min(xs) + max(xs)) / 2, -_depth(node))
        return pos

    return place("")
