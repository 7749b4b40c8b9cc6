"""``Parameter`` (a tensor a module learns) and ``Buffer`` (a tensor a module keeps).

Assigning either to a :class:`~lucid.nn.Module` attribute registers it: parameters show up
in ``parameters()`` and the state dict, buffers in ``buffers()`` and (when persistent) the
state dict.
"""

from __future__ import annotations

from lucid.tensor import Tensor

__all__ = ["Parameter", "Buffer", "is_parameter"]


def _share(target: Tensor, source: Tensor) -> None:
    """Make ``target`` (a fresh object) hold ``source``'s data, device and backend."""
    Tensor.__init__(target, source, device=source.device)


class Parameter(Tensor):
    """A tensor that is a module parameter; ``requires_grad=True`` by default.

    ``Parameter(data=None, requires_grad=True)``: ``data`` is a tensor (its storage is
    shared, its history dropped) or anything :class:`~lucid.Tensor` accepts. Integer data
    cannot require gradients.

    Example::

        w = nn.Parameter(lucid.zeros(3, 2))
        w.requires_grad  # True
    """

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        if data is None:
            from lucid.ops.creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            data = Tensor(data)
        _share(self, data)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = Parameter(self.detach().clone(), self.requires_grad)
        if self.grad is not None:
            out.grad = self.grad.detach().clone()
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.numpy(), str(self.device), self.requires_grad))


def _rebuild_parameter(array, device, requires_grad):
    return Parameter(Tensor(array, device=device), requires_grad)


class Buffer(Tensor):
    """A marker saying "register this tensor as a buffer" when assigned to a module.

    ``module.running = nn.Buffer(lucid.zeros(3), persistent=True)`` is the same as
    ``module.register_buffer("running", lucid.zeros(3), persistent=True)``; the module
    stores a plain tensor sharing the data.
    """

    def __init__(self, data, *, persistent: bool = True) -> None:
        if not isinstance(data, Tensor):
            data = Tensor(data)
        _share(self, data)
        self.persistent = persistent


def is_parameter(obj) -> bool:
    return isinstance(obj, Parameter)
