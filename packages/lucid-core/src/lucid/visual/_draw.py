"""Drawing a layered directed graph with matplotlib: shared by the tensor graph and the
module tree. Nodes carry ``label``, ``shape`` ("box" or "ellipse") and ``color``; ``pos``
maps each node to ``(x, y)``. The figure is saved when ``path`` is given, in the format its
suffix names (``.png``, ``.svg``, ``.pdf``)."""

from __future__ import annotations

from pathlib import Path

from lucid.visual._deps import figure_class


def render(graph, pos: dict, path=None, title: str | None = None, horizontal: bool = False):
    """Draw ``graph`` at ``pos`` (top-to-bottom; ``horizontal`` turns it left-to-right) and
    return the matplotlib Figure (saved to ``path`` when given)."""
    if horizontal:
        pos = {n: (-y, -x) for n, (x, y) in pos.items()}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    width = max(4.0, 1.6 * (max(xs) - min(xs) + 1))
    height = max(3.0, 1.0 * (max(ys) - min(ys) + 1))
    fig = figure_class()(figsize=(min(width, 60), min(height, 60)))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    for u, v in graph.edges():
        ax.annotate("", xy=pos[v], xytext=pos[u],
                    arrowprops=dict(arrowstyle="-|>", color="#555555", lw=0.8,
                                    shrinkA=14, shrinkB=14))
    for node, data in graph.nodes(data=True):
        style = "round,pad=0.35" if data.get("shape") == "ellipse" else "square,pad=0.3"
        ax.text(*pos[node], data.get("label", str(node)), ha="center", va="center",
                fontsize=7, family="monospace",
                bbox=dict(boxstyle=style, fc=data.get("color", "white"), ec="#333333", lw=0.6))
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    ax.set_ylim(min(ys) - 1, max(ys) + 1)
    if title:
        ax.set_title(title)
    if path is not None:
        path = Path(path)
        fig.savefig(path, format=path.suffix.lstrip(".").lower() or "png", bbox_inches="tight")
    return fig


def layered_positions(graph, nx) -> dict:
    """Top-to-bottom layers by topological generation, nodes spread evenly in each layer."""
    pos = {}
    for depth, layer in enumerate(nx.topological_generations(graph)):
        layer = sorted(layer, key=str)
        for i, node in enumerate(layer):
            pos[node] = (i - (len(layer) - 1) / 2, -depth)
    return pos
