"""``lucid.compile``: record a training step once, replay it without Python dispatch.

Eager Lucid runs Python for every op: dispatch, checks, the autodiff graph, the optimizer
loop. Where arrays are small or the device is fast (a GPU), that host time is the step
time. ``lucid.compile(step, state=(model, optimizer))`` turns the step into a *pure*
function of native arrays::

    (argument arrays, state arrays, gradient arrays) -> (result arrays, new state arrays,
                                                          new gradient arrays)

where the state is every tensor of ``state`` (a module's parameters and buffers, an
optimizer's state tensors, plain tensors) and the gradients are the ``.grad`` of those
tensors. The backend compiles that function with its own graph compiler
(``Backend.compile_function``; MLX: ``mx.compile``): the Python body (forward, backward,
update) runs once on placeholder arrays and later calls replay the recorded graph.

Semantics, as with ``mx.compile`` and ``torch.compile``:

* The first call runs eagerly (it creates the optimizer's state and the gradients), the
  second traces, later calls replay. Results equal eager results (tested).
* A new trace is made when the *guard* changes: the arguments' shapes, dtypes and devices
  (and non-tensor arguments), the state tensors (which, their shapes and dtypes, which
  have a gradient), grad mode, every module's ``training`` flag and every optimizer
  hyper-parameter (a learning-rate schedule retraces once per change). At most
  :data:`MAX_TRACES` traces, then the function runs eagerly with a warning.
* Python values are constants of the trace. If the traced call changes host state that
  the guard reads (Adam's step counter moves every step), replaying would be wrong, so
  the function runs eagerly from then on, with a warning saying why. ``Adam(...,
  capturable=True)`` keeps its step count as a device tensor, and compiles.
* Inside the function, values cannot be read (``.item()``, ``print``, ``if`` on a
  tensor): return them and read after the call. Data checks (a class index out of range)
  are raised at the next read after the call. Random draws are fresh at every call.
* Results come back as tensors without history (the step has done its backward).

NumPy has no graph compiler: its ``compile_function`` records the step's kernel and
NumPy calls during the traced call and replays them as straight-line Python
(:mod:`lucid_backend_numpy.replay`); the first replay is checked against an eager run.
There, reading a value inside the function does not fail: it makes the function run
eagerly, with a warning. A backend whose compiled callable sets ``eager_reason`` makes
the function eager from then on; a backend without ``compile_function`` runs it eagerly
from the start; a warning says so once.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from lucid.autograd import is_grad_enabled
from lucid.tensor import Tensor

__all__ = ["compile", "CompiledFunction", "MAX_TRACES"]

MAX_TRACES = 8


def compile(fn: Callable | None = None, *, state: Any = ()):  # noqa: A001 - torch's name
    """``lucid.compile(step, state=(model, optimizer))``, or as ``@lucid.compile(state=...)``.

    ``state``: what the step reads and updates besides its arguments: modules,
    optimizers, tensors, or lists of them."""
    if fn is None:
        return lambda f: CompiledFunction(f, state)
    return CompiledFunction(fn, state)


class CompiledFunction:
    """The callable ``lucid.compile`` returns. ``calls`` counts the calls that ran
    ``"eager"``, were ``"traced"`` or ``"replayed"``; ``eager_reason`` says why the function
    runs eagerly for good (None while it compiles)."""

    def __init__(self, fn: Callable, state: Any) -> None:
        self.fn = fn
        self.state = state
        self.calls = {"eager": 0, "traced": 0, "replayed": 0}
        self.eager_reason: str | None = None
        self._traces: dict[tuple, _Trace] = {}
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args):
        tensors = _state_tensors(self.state)
        backend = _backend_of(args, tensors)
        if self.eager_reason is None and backend is not None and not backend.can_compile:
            self._go_eager(f"backend {backend.name!r} has no graph compiler")
        if self.eager_reason is not None or sum(self.calls.values()) == 0:
            self.calls["eager"] += 1
            return self.fn(*args)
        guard = _guard(args, self.state, tensors)
        trace = self._traces.get(guard)
        if trace is not None:
            self.calls["replayed"] += 1
            result = trace.run(args, tensors)
            self._follow_backend(trace)
            return result
        if len(self._traces) >= MAX_TRACES:
            self._go_eager(f"its guard changed {MAX_TRACES} times (shapes or "
                           "hyper-parameters that change every call)")
            self.calls["eager"] += 1
            return self.fn(*args)
        trace = _Trace(self.fn, backend, args, tensors)
        host_before = _host_values(self.state)
        result = trace.run(args, tensors)
        self.calls["traced"] += 1
        changed = _host_values(self.state) != host_before
        if self._follow_backend(trace):
            pass
        elif changed:
            self._go_eager("the traced call changed host state that a replay would not "
                           "(e.g. an optimizer's step counter, as Adam's: "
                           "Adam(..., capturable=True) keeps it on the device)")
        else:
            self._traces[guard] = trace
        return result

    @property
    def source(self) -> str | None:
        """The Python the backend replays for the latest trace, where it has one to show
        (NumPy: the recorded kernel calls, ``def replay(inputs): ...``); else None."""
        for trace in reversed(list(self._traces.values())):
            return getattr(trace.compiled, "source", None)
        return None

    def _follow_backend(self, trace: _Trace) -> bool:
        """Go eager when the backend found that it cannot replay the step (its compiled
        callable's ``eager_reason``); True if so."""
        reason = getattr(trace.compiled, "eager_reason", None)
        if reason is not None:
            self._go_eager(reason)
        return reason is not None

    def _go_eager(self, reason: str) -> None:
        self.eager_reason = reason
        self._traces.clear()
        warnings.warn(f"lucid.compile: {self.__name__} runs eagerly: {reason}",
                      RuntimeWarning, stacklevel=3)


class _Trace:
    """One compiled version of the step, for one guard."""

    def __init__(self, fn: Callable, backend, args: tuple, tensors: list[Tensor]) -> None:
        self.fn = fn
        self.backend = backend
        self.arg_slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.has_grad = [t._grad is not None for t in tensors]
        self.layout: tuple | None = None  # filled while tracing (see pure)
        self.compiled = backend.compile_function(self.pure_factory(args, tensors))

    def pure_factory(self, args: tuple, tensors: list[Tensor]):
        backend = self.backend

        def pure(arrays: list) -> list:
            n_args, n_state = len(self.arg_slots), len(tensors)
            traced_args = list(args)
            for slot, array in zip(self.arg_slots, arrays[:n_args]):
                original = args[slot]
                t = Tensor._wrap(array, original._device, None, 0, backend)
                t.requires_grad = original.requires_grad
                traced_args[slot] = t
            saved = [(t._data, t._grad) for t in tensors]
            grads = iter(arrays[n_args + n_state:])
            try:
                placeholders = arrays[n_args:n_args + n_state]
                for t, array, has_grad in zip(tensors, placeholders, self.has_grad):
                    t._data = array
                    t._grad = (Tensor._wrap(next(grads), t._device, None, 0, backend)
                               if has_grad else None)
                result = self.fn(*traced_args)
                leaves, rebuild = _flatten(result)
                changed = [i for i, t in enumerate(tensors) if t._data is not placeholders[i]]
                grad_after = [i for i, t in enumerate(tensors) if t._grad is not None]
                self.layout = (len(leaves), rebuild, changed, grad_after)
                return ([leaf._data for leaf in leaves] + [tensors[i]._data for i in changed]
                        + [tensors[i]._grad._data for i in grad_after])
            finally:
                for t, (data, grad) in zip(tensors, saved):
                    t._data, t._grad = data, grad

        return pure

    def run(self, args: tuple, tensors: list[Tensor]):
        arrays = [args[i]._data for i in self.arg_slots] + [t._data for t in tensors]
        arrays += [t._grad._data for t, has in zip(tensors, self.has_grad) if has]
        outputs = self.compiled(arrays)
        n_out, rebuild, changed, grad_after = self.layout
        backend = self.backend
        for i, array in zip(changed, outputs[n_out:n_out + len(changed)]):
            t = tensors[i]
            t._data = array
            t._version += 1
        grad_arrays = outputs[n_out + len(changed):]
        with_grad = set(grad_after)
        for i, t in enumerate(tensors):
            if i not in with_grad:
                t._grad = None
        for i, array in zip(grad_after, grad_arrays):
            t = tensors[i]
            t._grad = Tensor._wrap(array, t._device, None, 0, backend)
        if backend.lazy:
            backend.eval(*outputs)
        rebuild_result, devices = rebuild
        return rebuild_result([Tensor._wrap(a, d, None, 0, backend)
                               for a, d in zip(outputs[:n_out], devices)])


# -- what the step reads: state tensors, guard, host values ---------------------------------
def _state_tensors(state: Any) -> list[Tensor]:
    """Every tensor of ``state`` (modules: parameters and buffers; optimizers: the
    tensors of their per-parameter state; tensors; lists of these), each once."""
    found: dict[int, Tensor] = {}

    def visit(obj):
        if isinstance(obj, Tensor):
            found.setdefault(id(obj), obj)
        elif hasattr(obj, "parameters") and hasattr(obj, "buffers"):
            for t in obj.parameters():
                visit(t)
            for t in obj.buffers():
                visit(t)
        elif hasattr(obj, "param_groups") and hasattr(obj, "state"):
            for group in obj.param_groups:
                for p in group["params"]:
                    visit(p)
                    for value in obj.state.get(p, {}).values():
                        if isinstance(value, Tensor):
                            visit(value)
        elif isinstance(obj, (list, tuple)):
            for item in obj:
                visit(item)
        elif obj is not None:
            raise TypeError(f"lucid.compile: state must hold modules, optimizers or tensors, "
                            f"got {type(obj).__name__}")

    visit(state)
    return list(found.values())


def _backend_of(args: tuple, tensors: list[Tensor]):
    for t in [a for a in args if isinstance(a, Tensor)] + tensors:
        return t._backend
    return None


def _host_values(state: Any) -> tuple:
    """The host-side values of ``state`` a trace bakes in: optimizer hyper-parameters and
    scalar state, module training flags."""
    values: list = []

    def visit(obj):
        if hasattr(obj, "param_groups") and hasattr(obj, "state"):
            for group in obj.param_groups:
                values.append(tuple((k, repr(v)) for k, v in group.items() if k != "params"))
                for p in group["params"]:
                    values.append(tuple((k, repr(v)) for k, v in obj.state.get(p, {}).items()
                                        if not isinstance(v, Tensor)))
        elif hasattr(obj, "modules") and hasattr(obj, "training"):
            values.append(tuple(m.training for m in obj.modules()))
        elif isinstance(obj, (list, tuple)):
            for item in obj:
                visit(item)

    visit(state)
    return tuple(values)


def _guard(args: tuple, state: Any, tensors: list[Tensor]) -> tuple:
    arg_keys = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            arg_keys.append((a.shape, a.dtype, a._device, a.requires_grad))
        else:
            try:
                hash(a)
            except TypeError:
                raise TypeError(f"lucid.compile: argument {i} ({type(a).__name__}) is neither "
                                "a tensor nor hashable; pass tensors, numbers or strings") from None
            arg_keys.append(("value", a))
    state_keys = tuple((id(t), t.shape, t.dtype, t._device, t._grad is not None)
                       for t in tensors)
    return (tuple(arg_keys), state_keys, _host_values(state), is_grad_enabled())


def _flatten(result: Any):
    """The tensors in ``result`` (a tensor, or tuples/lists/dicts of them and other
    values) and ``(rebuild(tensors) -> result, devices)``."""
    leaves: list[Tensor] = []

    def spec(obj):
        if isinstance(obj, Tensor):
            leaves.append(obj)
            return ("tensor", len(leaves) - 1)
        if isinstance(obj, (tuple, list)):
            return (type(obj), [spec(o) for o in obj])
        if isinstance(obj, dict):
            return ("dict", {k: spec(v) for k, v in obj.items()})
        return ("value", obj)

    structure = spec(result)

    def build(node, tensors):
        kind, body = node
        if kind == "tensor":
            return tensors[body]
        if kind == "value":
            return body
        if kind == "dict":
            return {k: build(v, tensors) for k, v in body.items()}
        return kind(build(v, tensors) for v in body)

    return leaves, ((lambda tensors: build(structure, tensors)), [t._device for t in leaves])
