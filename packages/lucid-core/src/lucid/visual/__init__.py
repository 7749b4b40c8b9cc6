"""``lucid.visual``: pictures of what Lucid computes, with networkx and matplotlib.

- :func:`draw_tensor_graph` (the original Lucid's name) draws the autodiff graph of a tensor:
  ops, tensor shapes, which tensors require grad (:mod:`.tensor_graph`);
- :func:`draw_module_tree` draws a model's tree of submodules (:mod:`.module_tree`);
- :func:`build_mermaid_chart` (the original's name) writes the structure and execution order
  as a Mermaid flowchart, text that Markdown viewers render (:mod:`.mermaid`; no extra
  dependency).

Each has a data twin (:func:`tensor_graph`, :func:`module_tree`) returning the networkx
``DiGraph`` itself. networkx and matplotlib are optional dependencies
(``pip install 'lucid-core[visual]'``), imported only when a graph is built; without them the
call raises an ImportError saying what to install. It lives in lucid-core because it reads
only core's graph (nodes and edges) and, for modules, their public ``named_modules()``.
"""

from lucid.visual.mermaid import build_mermaid_chart
from lucid.visual.module_tree import draw_module_tree, module_tree
from lucid.visual.tensor_graph import draw_tensor_graph, tensor_graph

__all__ = ["build_mermaid_chart", "draw_module_tree", "draw_tensor_graph", "module_tree",
           "tensor_graph"]
