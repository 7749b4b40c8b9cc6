"""MLX is lazy; a training loop that never calls ``eval()`` must not pile up graph or memory.

The loop below trains a small MLP for 300 steps with plain Lucid ops and a hand-written
SGD update under ``lucid.no_grad()``, and never calls ``eval()`` or reads a value. What
keeps it flat: the engine evaluates the leaf gradients at the end of ``backward()``, and
evaluating a gradient evaluates the parameters it depends on (last step's lazy update).

Measured after a warm-up and again at the end:

* MLX's active memory (``mx.get_active_memory()``: bytes held by live buffers; a growing
  lazy chain keeps every step's evaluated gradient buffer alive);
* the size of the pending MLX graph behind each parameter (``mx.export_to_dot`` edges);
* the number of live autograd ``Node`` objects (gc).
"""

from __future__ import annotations

import gc
import io

import mlx.core as mx
import numpy as np

import lucid
from lucid.autograd.node import Node

STEPS, WARMUP = 300, 50
LR = 0.05


def _live_nodes() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Node))


def _pending_graph_edges(params) -> int:
    """Edges of the not-yet-evaluated MLX graph behind the parameters (0 once evaluated)."""
    mx.synchronize()  # Tensor.eval() is mx.async_eval: let scheduled work land first
    out = io.StringIO()
    mx.export_to_dot(out, *[p.data for p in params])
    return out.getvalue().count("->")


def _model(rng):
    def param(*shape):
        return lucid.tensor(rng.standard_normal(shape) * 0.3, dtype=lucid.float32,
                            requires_grad=True)

    return [param(8, 32), param(32), param(32, 4), param(4)]


def _loss(params, x, y):
    w1, b1, w2, b2 = params
    h = (x @ w1 + b1).tanh()
    out = h @ w2 + b2
    return ((out - y) ** 2).mean()


def _sgd_step(params):
    with lucid.no_grad():
        for p in params:
            p.data = p - LR * p.grad
            p.grad = None


def test_training_without_eval_keeps_graph_and_memory_flat(mlx_cpu):
    rng = np.random.default_rng(0)
    params = _model(rng)
    x = lucid.tensor(rng.standard_normal((64, 8)), dtype=lucid.float32)
    y = lucid.tensor(rng.standard_normal((64, 4)), dtype=lucid.float32)
    first_loss = float(_loss(params, x, y).item())

    samples = {}
    for step in range(1, STEPS + 1):
        loss = _loss(params, x, y)
        loss.backward()
        _sgd_step(params)
        if step in (WARMUP, STEPS):
            edges = _pending_graph_edges(params)
            samples[step] = (mx.get_active_memory(), edges, _live_nodes())
        del loss

    memory_warm, edges_warm, nodes_warm = samples[WARMUP]
    memory_end, edges_end, nodes_end = samples[STEPS]
    # one lazy SGD update per parameter is pending, never more than that
    assert edges_end == edges_warm, (edges_warm, edges_end)
    assert edges_end <= 8 * len(params)
    assert nodes_end <= nodes_warm, (nodes_warm, nodes_end)
    # 250 more steps: a leak of one gradient per step would be >= 250 * 128 bytes * 4 params
    assert memory_end <= memory_warm + 16 * 1024, (memory_warm, memory_end)
    assert float(_loss(params, x, y).item()) < first_loss


def test_the_probes_see_a_growing_graph(mlx_cpu):
    """Control: an update whose gradient never depends on the parameter is never forced by
    backward, so without ``eval()`` its lazy chain (and the gradient buffers it holds)
    grows - the probes above would catch that."""
    rng = np.random.default_rng(1)
    w = lucid.tensor(rng.standard_normal(256), dtype=lucid.float32, requires_grad=True)
    data = lucid.tensor(rng.standard_normal(256), dtype=lucid.float32)
    sizes = []
    for step in range(1, 41):
        (w * data).sum().backward()  # d/dw = data: independent of w
        _sgd_step([w])
        if step in (10, 40):
            edges = _pending_graph_edges([w])
            sizes.append((edges, mx.get_active_memory()))
    assert sizes[1][0] > sizes[0][0] + 20
    assert sizes[1][1] > sizes[0][1]
    w.eval()
    assert _pending_graph_edges([w]) == 0
