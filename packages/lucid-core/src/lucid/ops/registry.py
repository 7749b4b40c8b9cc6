"""The op registry and the dispatch path every op call goes through.

An op is a subclass of :class:`Op` registered by name with :func:`register`. It states
what the op means: its shape/dtype checks (``check``) and its vector-Jacobian product
(``vjp``) written with other Lucid ops, so gradients are backend-independent and
differentiable again (``create_graph=True``). How the op is computed is a backend's
business: ``backend.kernels[op.name]``.

The dispatch path (:func:`apply`) is four small steps: one device for all inputs,
the op's checks, the kernel call, and (when grad mode is on and an input requires grad)
recording a :class:`~lucid.autograd.node.Node` on the output.
"""

from __future__ import annotations

from lucid import backends
from lucid.autograd.grad_mode import is_grad_enabled
from lucid.autograd.node import Node
from lucid.device import to_device
from lucid.errors import BackendError, DeviceMismatchError, LucidError, ShapeError
from lucid.tensor import Tensor

OPS: dict[str, Op] = {}


class Op:
    """What one op means. Subclasses set ``name`` and override ``check`` and ``vjp``.

    ``vjp(node, *grads)`` receives the gradient of each output and returns one
    gradient (or ``None``) per input; ``node.inputs`` are the input tensors,
    ``node.params`` the keyword parameters, ``node.output`` the output (when
    ``save_output`` is set). Gradients may have the broadcast output shape: the engine
    sums them back to each input's shape. ``n_outputs = 0`` means as many outputs as
    the kernel's tuple holds (``split``).
    """

    name: str = ""
    n_outputs: int = 1
    differentiable: bool = True
    save_output: bool = False

    def check(self, *inputs, **params) -> None:
        """Raise ShapeError/DTypeError/ValueError before any kernel runs."""

    def vjp(self, node: Node, *grads):
        raise RuntimeError(f"op {self.name!r} is not differentiable")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: instantiate the op and add it to :data:`OPS` under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"register: op class {cls.__name__} has no name")
    if cls.name in OPS:
        raise ValueError(f"register: op {cls.name!r} is registered twice")
    OPS[cls.name] = cls()
    return cls


def _backend_of(op_name: str, inputs):
    """The device all ``inputs`` share and the backend serving it now."""
    device = inputs[0]._device
    backend = backends.serving(device)
    for t in inputs:
        if t._device is not device and t._device != device:
            raise DeviceMismatchError(
                f"{op_name}: tensors are on different devices: {device} and {t._device}; "
                "move them with .to(device) first")
        if t._backend is not backend:
            raise BackendError(
                f"{op_name}: a tensor on {t._device} was made by backend {t._backend.name!r}, "
                f"but {t._device} is now served by {backend.name!r}; move it with "
                f"t.to('{t._device}') first")
    return device, backend


def apply(name: str, *inputs, device=None, **params):
    """Run op ``name`` on tensors ``inputs`` with keyword ``params``; record the graph."""
    op = OPS[name]
    if inputs:
        device, backend = _backend_of(name, inputs)
    else:
        device = to_device(device)
        backend = backends.serving(device)
    op.check(*inputs, **params)
    kernel = backend.kernels.get(name)
    if kernel is None:
        backend.kernel(name)  # raises NotImplementedError naming backend and op
    try:
        out = kernel(*[t._data for t in inputs], **params)
    except LucidError:
        raise
    except (ValueError, IndexError, TypeError) as exc:
        shapes = ", ".join(str(t.shape) for t in inputs)
        kind = ShapeError if isinstance(exc, ValueError) else type(exc)
        raise kind(f"{name}: {exc} (input shapes: {shapes}; params: {params})") from exc
    node = None
    if op.differentiable and inputs and is_grad_enabled():
        for t in inputs:
            if t.requires_grad:
                node = Node(op, inputs, params, out, op.n_outputs or len(out))
                break
    wrap = Tensor._wrap
    if op.n_outputs == 1:
        return wrap(out, device, node, 0, backend)
    return tuple(wrap(o, device, node, i, backend) for i, o in enumerate(out))
