"""``lucid.grad``: gradients of outputs with respect to chosen inputs, as a return value."""

from __future__ import annotations

from lucid.autograd.engine import run_backward


def _seeds(outputs, grad_outputs):
    from lucid.ops.creation import ones_like

    seeds = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out.size != 1:
                raise RuntimeError(
                    f"grad: output of shape {out.shape} is not a scalar; pass grad_outputs")
            g = ones_like(out)
        elif g.shape != out.shape:
            from lucid.errors import ShapeError

            raise ShapeError(f"grad: grad_output shape {g.shape} does not match output "
                             f"shape {out.shape}")
        seeds.append(g)
    return seeds


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Return ``d(sum(outputs * grad_outputs)) / d(inputs)`` without touching ``.grad``.

    Like ``torch.autograd.grad``: ``outputs`` and ``inputs`` are tensors or sequences of
    tensors; an input that the outputs do not depend on raises unless ``allow_unused``,
    in which case its gradient is ``None``.
    """
    single = not isinstance(inputs, (list, tuple))
    inputs = [inputs] if single else list(inputs)
    outputs = [outputs] if not isinstance(outputs, (list, tuple)) else list(outputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    for out in outputs:
        if not out.requires_grad:
            raise RuntimeError("grad: an output does not require grad and has no graph")
    keys = [id(t) if t._node is None else (id(t._node), t._out_index) for t in inputs]
    capture = dict.fromkeys(keys)
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(outputs, _seeds(outputs, grad_outputs), retain_graph=retain_graph,
                 create_graph=create_graph, capture=capture)
    result = []
    for key in keys:
        g = capture[key]
        if g is None and not allow_unused:
            raise RuntimeError("grad: one of the inputs was not used to compute the outputs; "
                               "pass allow_unused=True to get None for it")
        if g is not None and not create_graph:
            g = g.detach()
        result.append(g)
    return result[0] if single else tuple(result)
