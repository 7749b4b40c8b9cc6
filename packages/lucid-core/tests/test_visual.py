"""lucid.visual: the autodiff graph's nodes and edges for a hand-built expression, the module
tree of a model, the files written (PNG and SVG), and the error without networkx."""

import sys

import numpy as np
import pytest

import lucid
from lucid import visual


def _expression():
    w = lucid.tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    b = lucid.tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    x = lucid.ones((4, 3))  # no grad: a constant for autodiff
    loss = lucid.tanh(x @ w + b).sum()
    return loss, w, b


def test_tensor_graph_nodes_and_edges():
    loss, w, b = _expression()
    g = visual.tensor_graph(loss, names={"w": w, "b": b})
    ops = {n: d["op"] for n, d in g.nodes(data=True) if d["kind"] == "op"}
    assert sorted(ops.values()) == ["add", "matmul", "sum", "tanh"]
    tensors = {n: d for n, d in g.nodes(data=True) if d["kind"] == "tensor"}
    by_name = {d["name"]: n for n, d in tensors.items() if d["name"]}
    assert tensors[by_name["w"]]["shape"] == (3, 2) and tensors[by_name["w"]]["is_leaf"]
    assert tensors[by_name["output"]]["shape"] == ()
    consts = [d for d in tensors.values() if not d["requires_grad"]]
    assert [c["shape"] for c in consts] == [(4, 3)]
    op_of = {v: k for k, v in ops.items()}
    # value flow: x, w -> matmul -> (4,2) -> add <- b ; add -> tanh -> sum -> output
    assert g.has_edge(by_name["w"], op_of["matmul"]) and g.has_edge(by_name["b"], op_of["add"])
    (mm_out,) = g.successors(op_of["matmul"])
    assert tensors[mm_out]["shape"] == (4, 2) and g.has_edge(mm_out, op_of["add"])
    assert g.has_edge(op_of["sum"], by_name["output"])
    assert g.number_of_nodes() == 4 + 7 and g.number_of_edges() == 10
    import networkx as nx

    assert nx.is_directed_acyclic_graph(g)


def test_shared_subexpression_is_one_node():
    a = lucid.tensor([1.0, 2.0], requires_grad=True)
    h = a * a
    g = visual.tensor_graph(h + h)
    assert sorted(d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op") == ["add", "mul"]


def test_draw_tensor_graph_writes_png_and_svg(tmp_path):
    loss, w, _ = _expression()
    fig = visual.draw_tensor_graph(loss, tmp_path / "g.png", title="tiny")
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "matmul" in texts and any("(3,2)" in t and "requires_grad" in t for t in texts)
    out, weight = "output\n()\nrequires_grad", "(3,2)\nrequires_grad"
    colors = _box_colors(fig)
    blue = colors[out]
    assert colors[weight] != blue
    colors = _box_colors(visual.draw_tensor_graph(loss, start_id=id(w)))  # original's highlight
    assert colors[weight] == blue and colors[out] != blue
    visual.draw_tensor_graph(loss, tmp_path / "g.svg", horizontal=True)
    assert "<svg" in (tmp_path / "g.svg").read_text()[:400]


def _box_colors(fig):
    return {t.get_text(): t.get_bbox_patch().get_facecolor() for t in fig.axes[0].texts
            if t.get_bbox_patch() is not None}


def test_module_tree_and_picture(tmp_path):
    nn = pytest.importorskip("lucid.nn", reason="module trees need lucid-nn installed")
    model = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(4, 2)))
    g = visual.module_tree(model)
    assert set(g.nodes) == {"", "0", "1", "1.0", "1.1"}
    assert set(g.edges) == {("", "0"), ("", "1"), ("1", "1.0"), ("1", "1.1")}
    assert g.nodes["0"]["params"] == 16 and g.nodes[""]["params"] == 16 + 10
    assert g.nodes["1.1"]["kind"] == "Linear"
    visual.draw_module_tree(model, tmp_path / "m.svg", max_depth=1)
    svg = (tmp_path / "m.svg").read_text()
    assert "<svg" in svg[:400]
    with pytest.raises(TypeError, match="named_modules"):
        visual.module_tree(object())


def test_missing_networkx_gives_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match="pip install"):
        visual.tensor_graph(lucid.ones(2))
