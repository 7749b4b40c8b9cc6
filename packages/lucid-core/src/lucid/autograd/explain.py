"""Explain mode: watch one backward pass apply the chain rule, node by node.

    lucid.explain(loss, model=model)        # runs loss.backward() and prints each step
    with lucid.explaining():                # or: explain every backward in the block
        loss.backward()

For every node of the graph, in the order the engine runs it, it prints the op, its input
and output shapes, the op's rule as its docstring states it (forward; vector-Jacobian
product), the gradient arriving at the output (shape, L2 norm) and the gradient it sends to
each input (shape, norm, and where it goes: another node, or a leaf, named after the model's
parameter when ``model`` is given). Each step is also returned as an :class:`ExplainStep`.

How it hooks in: while explaining, the engine's ``_run_vjp`` (the one call through which
every VJP runs) is swapped for a wrapper that records the node, its incoming gradients and
its results; the original is put back afterwards, so a normal ``backward()`` runs exactly
as before. Reading the norms copies the gradients to the host (a sync on a lazy backend),
which is fine for a teaching tool and is why it is opt-in.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from lucid.autograd import engine

__all__ = ["ExplainStep", "GradInfo", "explain", "explaining"]

_ORIGINAL_RUN_VJP = engine._run_vjp
_SESSIONS: list[_Session] = []


@dataclass
class GradInfo:
    """One gradient: its shape, L2 norm, and a label (``d out``, ``d input 0 -> ...``)."""

    label: str
    shape: tuple
    norm: float


@dataclass
class ExplainStep:
    """One node of the backward pass as it ran."""

    index: int
    op: str
    input_shapes: list[tuple]
    output_shapes: list[tuple]
    forward: str
    vjp: str
    grad_outputs: list[GradInfo] = field(default_factory=list)
    grad_inputs: list[GradInfo] = field(default_factory=list)

    def __str__(self) -> str:
        ins = ", ".join(_fmt(s) for s in self.input_shapes)
        outs = ", ".join(_fmt(s) for s in self.output_shapes)
        lines = [f"[{self.index:>3}] {self.op}: ({ins}) -> {outs}"]
        if self.forward:
            lines.append(f"      forward: {self.forward}")
        if self.vjp:
            lines.append(f"      vjp:     {self.vjp}")
        for g in self.grad_outputs + self.grad_inputs:
            lines.append(f"      {g.label:<34} {_fmt(g.shape):<18} |g| = {g.norm:.6g}")
        return "\n".join(lines)


def op_rule(op) -> tuple[str, str]:
    """``(forward, vjp)`` from the first paragraph of the op class's docstring, which states
    ``forward; vjp`` by convention (``"y = max(x, 0)"``, ``"dx = 0 if y <= 0 else dy"``),
    or ``forward. VJP: ...`` (the linear-algebra ops)."""
    doc = (type(op).__doc__ or "").strip().split("\n\n")[0]
    text = " ".join(doc.split()).replace("``", "")
    for separator in ("; ", " VJP"):
        forward, sep, vjp = text.partition(separator)
        if sep:
            return forward.strip(), vjp.strip().lstrip(":").strip().rstrip(".")
    return text, ""


class _Session:
    def __init__(self, names: dict[int, str], file, quiet: bool) -> None:
        self.names = names
        self.file = file
        self.quiet = quiet
        self.steps: list[ExplainStep] = []

    def record(self, node, grads, in_grads) -> None:
        forward, vjp = op_rule(node.op)
        out_grads = [g for g in grads]
        step = ExplainStep(index=len(self.steps), op=node.op.name,
                           input_shapes=[tuple(s) for s in node.in_shapes],
                           output_shapes=[_shape(g) for g in out_grads],
                           forward=forward, vjp=vjp)
        several = len(out_grads) > 1
        for i, g in enumerate(out_grads):
            label = f"d out{i if several else ''} (arriving)"
            step.grad_outputs.append(GradInfo(label, _shape(g), _norm(g)))
        results = in_grads if isinstance(in_grads, (tuple, list)) else (in_grads,)
        for i, (edge, shape, g) in enumerate(zip(node.edges, node.in_shapes, results)):
            if edge is None or g is None:
                continue
            value = _sum_to_shape(_host(g), tuple(shape))
            step.grad_inputs.append(GradInfo(f"d input {i} -> {self._target(edge)}",
                                             tuple(shape), float(np.linalg.norm(value))))
        self.steps.append(step)
        if not self.quiet:
            print(step, file=self.file or sys.stdout)

    def _target(self, edge) -> str:
        if type(edge) is tuple:
            return f"{edge[0].op.name} (node)"
        return self.names.get(id(edge), "leaf")


def _explaining_run_vjp(k, node, grads):
    in_grads = _ORIGINAL_RUN_VJP(k, node, grads)
    for session in _SESSIONS:
        session.record(node, grads, in_grads)
    return in_grads


@contextmanager
def explaining(model=None, file=None, quiet: bool = False):
    """Explain every backward pass run inside the block; yields the list of steps.
    ``model`` names the leaves by parameter name; ``quiet`` records without printing."""
    names = {id(p): n for n, p in model.named_parameters()} if model is not None else {}
    session = _Session(names, file, quiet)
    if not _SESSIONS:
        engine._run_vjp = _explaining_run_vjp
    _SESSIONS.append(session)
    try:
        yield session.steps
    finally:
        _SESSIONS.remove(session)
        if not _SESSIONS:
            engine._run_vjp = _ORIGINAL_RUN_VJP


def explain(loss, gradient=None, *, model=None, retain_graph: bool = False, file=None,
            quiet: bool = False) -> list[ExplainStep]:
    """Run ``loss.backward(gradient)`` and print each node of the pass in run order (see the
    module doc); returns the steps. Gradients accumulate into ``.grad`` as usual."""
    with explaining(model=model, file=file, quiet=quiet) as steps:
        loss.backward(gradient, retain_graph=retain_graph)
    return steps


# -- helpers ------------------------------------------------------------------------------
def _host(g) -> np.ndarray:
    from lucid.tensor import Tensor

    if isinstance(g, Tensor):
        return g.detach().numpy()
    return np.asarray(g)


def _shape(g) -> tuple:
    return tuple(g.shape) if g is not None and hasattr(g, "shape") else ()


def _norm(g) -> float:
    return float(np.linalg.norm(_host(g))) if g is not None else 0.0


def _sum_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """The gradient as the engine delivers it: summed over broadcast axes to ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes).reshape(shape) if axes else g.reshape(shape)


def _fmt(shape) -> str:
    return "(" + ",".join(str(n) for n in shape) + ")" if shape else "()"
