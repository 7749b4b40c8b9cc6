"""Module hooks: removable handles and the machinery of full backward hooks.

A full backward hook ``hook(module, grad_input, grad_output)`` needs the gradients with
respect to a module's inputs and outputs at the same moment. The module's tensor inputs
and outputs are passed through an identity node each (joined to the graph with
``lucid.autograd.attach_backward``: its outputs share the inputs' data). During backward the
output node's VJP sees every ``grad_output`` first; the input node's VJP then sees every
``grad_input``, calls the hooks, and passes on what they return.
"""

from __future__ import annotations

from collections import OrderedDict
from itertools import count

from lucid.autograd import attach_backward, check_gradient
from lucid.autograd.grad_mode import is_grad_enabled
from lucid.tensor import Tensor

__all__ = ["RemovableHandle"]

_ids = count()


class RemovableHandle:
    """Returned by every ``register_*_hook``; ``handle.remove()`` unregisters the hook.
    Also a context manager that removes the hook on exit."""

    def __init__(self, *hook_dicts: OrderedDict) -> None:
        self.id = next(_ids)
        self._dicts = hook_dicts

    def remove(self) -> None:
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def add_hook(hooks: OrderedDict, hook, prepend: bool = False, *extra: OrderedDict):
    """Store ``hook`` in ``hooks`` (first when ``prepend``); return its handle."""
    handle = RemovableHandle(hooks, *extra)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def _identity(tensors: list[Tensor], callback) -> list[Tensor]:
    """The tensors passed through one identity node: ``y_i = x_i``, ``dx = callback(dy)``
    (a tuple of one gradient per tensor)."""
    return attach_backward(tensors, tensors, lambda *grads: tuple(callback(tuple(grads))),
                           name="module_backward_hook")


def _grad_tensors(values, need_grad: bool):
    """Positions of the tensors in ``values`` that take part (require grad)."""
    return [i for i, v in enumerate(values)
            if isinstance(v, Tensor) and v.is_floating_point() and (v.requires_grad or
                                                                      not need_grad)]


class BackwardHook:
    """Wires one forward call of ``module`` to its full backward (pre-)hooks."""

    def __init__(self, module, hooks: OrderedDict, pre_hooks: OrderedDict) -> None:
        self.module = module
        self.hooks = list(hooks.values())
        self.pre_hooks = list(pre_hooks.values())
        self.n_inputs = 0
        self.inputs_hooked = False
        self.grad_output = None

    def setup_input_hook(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        if not is_grad_enabled():
            return args
        positions = _grad_tensors(args, need_grad=True)
        if not positions or not self.hooks:
            return args
        self.inputs_hooked = True
        wrapped = _identity([args[i] for i in positions], self._on_input_grads(positions))
        args = list(args)
        for i, t in zip(positions, wrapped):
            args[i] = t
        return tuple(args)

    def setup_output_hook(self, output):
        single = isinstance(output, Tensor)
        values = (output,) if single else output
        if not is_grad_enabled() or not isinstance(values, tuple):
            return output
        positions = [i for i in _grad_tensors(values, need_grad=True)]
        if not positions:
            return output
        wrapped = _identity([values[i] for i in positions],
                            self._on_output_grads(positions, len(values)))
        values = list(values)
        for i, t in zip(positions, wrapped):
            values[i] = t
        return values[0] if single else tuple(values)

    def _on_output_grads(self, positions, n):
        def callback(grads):
            full = [None] * n
            for i, g in zip(positions, grads):
                full[i] = g
            full = tuple(full)
            for hook in self.pre_hooks:
                result = hook(self.module, full)
                if result is not None:
                    full = _checked(hook, result, full, "grad_output")
            self.grad_output = full
            if not self.inputs_hooked:
                for hook in self.hooks:
                    hook(self.module, (None,) * self.n_inputs, full)
            return [full[i] for i in positions]

        return callback

    def _on_input_grads(self, positions):
        def callback(grads):
            full = [None] * self.n_inputs
            for i, g in zip(positions, grads):
                full[i] = g
            full = tuple(full)
            for hook in self.hooks:
                result = hook(self.module, full, self.grad_output)
                if result is not None:
                    full = _checked(hook, result, full, "grad_input")
            return [full[i] for i in positions]

        return callback


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _checked(hook, result, grads: tuple, what: str) -> tuple:
    """A backward hook's replacement ``result`` for ``grads``: as many entries, each None
    or a tensor of the same shape and dtype as the gradient it replaces."""
    name = getattr(hook, "__qualname__", repr(hook))
    result = _as_tuple(result)
    if len(result) != len(grads):
        raise ValueError(f"backward hook {name} returned {len(result)} gradients for "
                         f"{what}, expected {len(grads)}")
    for i, (new, old) in enumerate(zip(result, grads)):
        if new is None or old is None:
            continue
        if not isinstance(new, Tensor):
            raise TypeError(f"backward hook {name} returned a {type(new).__name__} as "
                            f"{what}[{i}], expected a Tensor or None")
        check_gradient(new, old.shape, old.dtype, f"backward hook {name} returned {what}[{i}]")
    return result
