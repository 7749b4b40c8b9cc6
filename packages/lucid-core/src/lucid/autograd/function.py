"""User-defined differentiable functions: ``lucid.autograd.Function``, as PyTorch's.

::

    class Exp(lucid.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    y = Exp.apply(x)

``forward`` runs without recording a graph; its Tensor outputs are then joined to the
graph by one node whose VJP calls ``backward(ctx, *grad_outputs)``, which returns one
gradient (or ``None``) per ``forward`` argument. ``ctx.needs_input_grad`` says which
arguments want one; ``ctx.mark_non_differentiable(t)`` keeps an output out of the graph
(its gradient arrives as zeros); ``@once_differentiable`` on ``backward`` runs it
without a graph and makes a second differentiation through it an error.

:func:`attach_backward` is the primitive underneath, public for extensions (module hooks
use it): it joins Tensors computed outside the graph to it through a user VJP.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from lucid.autograd.grad_mode import is_grad_enabled, no_grad
from lucid.autograd.node import Node
from lucid.errors import ShapeError
from lucid.ops.registry import Op
from lucid.tensor import Tensor

__all__ = ["Function", "FunctionCtx", "once_differentiable", "attach_backward"]


class _UserVJP(Op):
    """A graph node whose VJP is a Python callback on Tensors (never dispatched)."""

    save_inputs = ()
    tensor_vjp = True

    def __init__(self, name: str, backward: Callable, n_outputs: int) -> None:
        self.name = name
        self.backward = backward
        self.n_outputs = n_outputs

    def vjp(self, node, *grads):
        return self.backward(*grads)


def attach_backward(inputs: Sequence[Tensor], outputs: Sequence[Tensor], backward: Callable,
                    name: str = "custom_function") -> list[Tensor]:
    """``outputs`` (Tensors computed from ``inputs`` outside the graph) as new Tensors
    sharing their data, joined to the graph by one node: backward calls
    ``backward(*grads)`` with one gradient Tensor per output (zeros where none arrived)
    and expects one gradient Tensor or ``None`` per input, in order. Without grad mode,
    or when no input requires grad, the outputs are returned unchanged."""
    inputs, outputs = tuple(inputs), list(outputs)
    if not outputs or not is_grad_enabled() or not any(t.requires_grad for t in inputs):
        return outputs
    first = outputs[0]
    data = first._data if len(outputs) == 1 else tuple(t._data for t in outputs)
    node = Node(_UserVJP(name, backward, len(outputs)), inputs, {}, data, len(outputs),
                first._device, first._backend)
    return [Tensor._wrap(t._data, t._device, node=node, index=i, backend=t._backend)
            for i, t in enumerate(outputs)]


class FunctionCtx:
    """What ``forward`` hands to ``backward``: saved tensors, flags and free attributes."""

    def __init__(self, args: tuple) -> None:
        self.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        self.materialize_grads = True
        self._saved: tuple = ()
        self._versions: tuple = ()
        self._non_differentiable: set[int] = set()

    def save_for_backward(self, *tensors) -> None:
        """Keep ``tensors`` (or ``None``) for ``backward`` (``ctx.saved_tensors``); an
        in-place change to one of them before backward makes ``saved_tensors`` raise."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward: expected Tensors or None, got "
                                f"{type(t).__name__}")
        self._saved = tensors
        self._versions = tuple(None if t is None else t._version for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        for i, (t, v) in enumerate(zip(self._saved, self._versions)):
            if t is not None and t._version != v:
                raise RuntimeError(
                    f"saved_tensors: saved tensor {i} (shape {t.shape}) was modified in place "
                    f"after save_for_backward (version {v} -> {t._version})")
        return self._saved

    def mark_non_differentiable(self, *outputs) -> None:
        """The outputs given take no part in the graph (integer indices, masks)."""
        self._non_differentiable.update(id(t) for t in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """``False``: ``backward`` receives ``None`` instead of zeros for outputs that no
        gradient reached."""
        self.materialize_grads = bool(value)


class Function:
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call
    ``MyFunction.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("Function subclasses define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("Function subclasses define backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(args)
        with no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        joined = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)
                  and o.dtype.is_floating_point and id(o) not in ctx._non_differentiable]
        if not joined:
            return result

        def backward(*grads):
            full = [None] * len(outputs)
            for i, g in zip(joined, grads):
                full[i] = g
            if ctx.materialize_grads:
                full = [g if g is not None or not isinstance(o, Tensor) else _zeros_like(o)
                        for g, o in zip(full, outputs)]
            return _per_tensor_input(cls, args, cls.backward(ctx, *full))

        attached = attach_backward(tensor_args, [outputs[i] for i in joined], backward,
                                   name=cls.__name__)
        out = list(outputs)
        for i, t in zip(joined, attached):
            out[i] = t
        return out[0] if single else tuple(out)


def _zeros_like(t: Tensor) -> Tensor:
    from lucid.ops.creation import zeros_like

    return zeros_like(t)


def _per_tensor_input(cls, args: tuple, grads) -> list:
    """``backward``'s result (one entry per ``forward`` argument) checked and cut down to
    the Tensor arguments, the node's inputs."""
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) < len(args) or any(g is not None for g in grads[len(args):]):
        raise RuntimeError(f"{cls.__name__}.backward returned {len(grads)} gradients; "
                           f"forward took {len(args)} arguments (return one per argument, "
                           "None for those without a gradient)")
    out = []
    for i, (a, g) in enumerate(zip(args, grads)):
        if not isinstance(a, Tensor):
            continue
        if g is not None:
            if not isinstance(g, Tensor):
                raise TypeError(f"{cls.__name__}.backward: gradient {i} is a "
                                f"{type(g).__name__}, expected a Tensor or None")
            if g.shape != a.shape:
                raise ShapeError(f"{cls.__name__}.backward: gradient {i} has shape {g.shape}, "
                                 f"but argument {i} has shape {a.shape}")
        out.append(g)
    return out


def once_differentiable(backward: Callable) -> Callable:
    """Decorator for ``Function.backward``: it runs without recording a graph, and
    differentiating its result again (``create_graph=True``, then a second backward)
    raises ``RuntimeError`` instead of silently giving a wrong zero."""
    @functools.wraps(backward)
    def run(ctx, *grads):
        with no_grad():
            result = backward(ctx, *grads)
        sources = (*grads, *getattr(ctx, "_saved", ()))  # what the result depends on
        live = [t for t in sources if isinstance(t, Tensor) and t.requires_grad]
        if not live or not is_grad_enabled():
            return result
        single = not isinstance(result, tuple)
        results = (result,) if single else result
        present = [i for i, r in enumerate(results) if isinstance(r, Tensor)]

        def refuse(*_):
            raise RuntimeError(f"{backward.__qualname__} is marked @once_differentiable; it "
                               "cannot be differentiated a second time")

        attached = attach_backward(live, [results[i] for i in present], refuse,
                                   name="once_differentiable")
        out = list(results)
        for i, t in zip(present, attached):
            out[i] = t
        return out[0] if single else tuple(out)

    return run
