"""``build_mermaid_chart``: a model's structure and execution order as a Mermaid flowchart.

The original Lucid's text twin of the pictures: paste the result into any Markdown viewer
that renders Mermaid (GitHub, many docs sites). One forward pass (on zeros of
``input_shape``, or on ``inputs``) records the order in which modules finish; the chart has

- one box per module down to ``depth`` levels below the model (deeper modules are folded
  into their ancestor at that depth); a module with shown children is a ``subgraph``;
- an arrow between consecutive modules in execution order (``input`` -> first,
  last -> ``output``), so a residual block reads as its sequence of layers;
- optionally the output shape and parameter count in each label (``show_shapes``,
  ``show_params``), and runs of ``repeat_min`` or more structurally identical siblings
  (ResNet's blocks) folded into one box marked ``x N`` (``collapse_repeats``).
"""

from __future__ import annotations

import lucid

__all__ = ["build_mermaid_chart"]


def build_mermaid_chart(module, input_shape=None, inputs=None, depth: int = 2,
                        direction: str = "LR", include_io: bool = True,
                        show_params: bool = False, show_shapes: bool = False,
                        collapse_repeats: bool = True, repeat_min: int = 2,
                        return_lines: bool = False, **forward_kwargs):
    """The Mermaid flowchart of ``module`` (see module doc): a string, or its lines."""
    if (input_shape is None) == (inputs is None):
        raise ValueError("build_mermaid_chart: give exactly one of input_shape and inputs")
    if depth < 0:
        raise ValueError(f"build_mermaid_chart: depth must be >= 0, got {depth}")
    if direction not in ("LR", "RL", "TB", "TD", "BT"):
        raise ValueError(f"build_mermaid_chart: direction must be LR, RL, TB, TD or BT, got "
                         f"{direction!r}")
    if inputs is None:
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        inputs = [lucid.zeros(tuple(s)) for s in shapes]
    elif isinstance(inputs, lucid.Tensor):
        inputs = [inputs]
    names = {id(m): n for n, m in module.named_modules()}
    shown = {n for n in names.values() if _depth(n) <= depth}
    order, shapes_out = _run(module, inputs, forward_kwargs, names, shown)
    position = {n: i for i, n in enumerate(names.values())}  # registration order
    children = {n: sorted((c for c in shown if c and c.rpartition(".")[0] == n),
                          key=position.get) for n in shown}
    alias, runs = _collapse(module, children, repeat_min) if collapse_repeats else ({}, {})
    lines = [f"flowchart {direction}"]
    ids = {n: f"m{i}" for i, n in enumerate(sorted(shown, key=position.get))}
    modules = dict(module.named_modules())

    def label(name: str) -> str:
        m = modules[name]
        text = (name.rpartition(".")[2] or type(m).__name__) + (
            f" ({type(m).__name__})" if name else "")
        if name in runs:
            text += f" x {runs[name]}"
        if show_params:
            text += f"<br/>{sum(p.numel() for p in m.parameters()):,} params"
        if show_shapes and name in shapes_out:
            text += "<br/>" + str(shapes_out[name]).replace(" ", "")
        return text.replace('"', "&quot;")

    def render(name: str, indent: str) -> None:
        kids = [c for c in children[name] if c not in alias]
        if kids:
            lines.append(f'{indent}subgraph {ids[name]}["{label(name)}"]')
            for kid in kids:
                render(kid, indent + "  ")
            lines.append(f"{indent}end")
        else:
            lines.append(f'{indent}{ids[name]}["{label(name)}"]')

    render("", "  ")
    steps = []
    for name in order:
        name = alias.get(name, name)
        if [c for c in children[name] if c not in alias] or (steps and steps[-1] == name):
            continue  # containers are drawn as subgraphs; their members carry the edges
        steps.append(name)
    chain = [ids[n] for n in steps]
    if include_io:
        lines.insert(1, '  input(["input"])')
        lines.append('  output(["output"])')
        chain = ["input", *chain, "output"]
    lines += [f"  {a} --> {b}" for a, b in zip(chain, chain[1:])]
    return lines if return_lines else "\n".join(lines)


def _depth(name: str) -> int:
    return 0 if not name else name.count(".") + 1


def _run(module, inputs, kwargs, names, shown):
    """One forward pass; the shown modules in the order they finish, and their output
    shapes (a module deeper than ``depth`` counts as its shown ancestor)."""
    order, shapes, handles = [], {}, []

    def hook(mod, args, output):
        name = names[id(mod)]
        while name not in shown:
            name = name.rpartition(".")[0]
        order.append(name)
        if isinstance(output, lucid.Tensor):
            shapes.setdefault(name, tuple(output.shape))

    for _, sub in module.named_modules():
        handles.append(sub.register_forward_hook(hook))
    try:
        with lucid.no_grad():
            module(*inputs, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
    return order, shapes


def _collapse(module, children, repeat_min: int):
    """``({member: representative}, {representative: run length})`` for runs of
    structurally identical consecutive siblings (members' shown subtrees map too)."""
    modules = dict(module.named_modules())

    def signature(name):
        m = modules[name]
        return (type(m), sum(p.numel() for p in m.parameters()),
                tuple(signature(c) for c in children.get(name, [])))

    alias, runs = {}, {}
    for kids in children.values():
        i = 0
        while i < len(kids):
            j = i + 1
            while j < len(kids) and signature(kids[j]) == signature(kids[i]):
                j += 1
            if j - i >= repeat_min:
                runs[kids[i]] = j - i
                for member in kids[i + 1:j]:
                    alias[member] = kids[i]
                    for name in list(modules):  # the member's own subtree goes with it
                        if name.startswith(member + ".") and name in children:
                            alias[name] = kids[i]
            i = j
    return alias, runs
