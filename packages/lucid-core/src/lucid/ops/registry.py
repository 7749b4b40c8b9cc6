"""The op registry and the dispatch path every op call goes through.

An op is a subclass of :class:`Op` registered by name with :func:`register`. It states
what the op means: its shape/dtype checks (``check``), what its VJP needs saved, and its
vector-Jacobian product (``vjp``), written once with other ops and run either on raw
backend arrays (plain ``backward()``) or on Tensors (``create_graph=True``, so gradients
are differentiable again). How the op is computed is a backend's business:
``backend.kernels[op.name]``.

The dispatch path (:func:`apply`) is four small steps: one device for all inputs,
the op's checks, the kernel call, and (when grad mode is on and an input requires grad)
recording a :class:`~lucid.autograd.node.Node` on the output.
"""

from __future__ import annotations

from lucid import backends
from lucid.autograd.grad_mode import _state as _grad_mode
from lucid.autograd.node import Node
from lucid.backends import _binding
from lucid.device import creation_device
from lucid.errors import BackendError, DeviceMismatchError, LucidError, ShapeError
from lucid.tensor import Tensor

OPS: dict[str, Op] = {}


class Op:
    """What one op means. Subclasses set ``name`` and override ``check`` and ``vjp``.

    ``vjp(self, k, node, *grads)`` receives the gradient of each output and returns one
    gradient (or ``None``) per input, written once for both interpreters
    (:mod:`lucid.autograd.interpreters`): ``k.inputs(node)`` / ``k.output(node)`` are the
    saved values, ``k.<op>(...)`` calls another op's kernel by name, and ``+ - *`` work on
    both representations. ``node.params`` are the keyword parameters, ``node.needs_grad``
    says which inputs want a gradient, ``node.in_shapes`` their shapes. Gradients may have
    the broadcast output shape: the engine sums them back to each input's shape.

    What stays alive for backward is declared: ``save_inputs`` (indices of the inputs the
    VJP reads; ``None`` keeps all), ``save_output`` (the VJP reads the output),
    ``save_input_dtypes``. ``n_outputs = 0`` means as many outputs as the kernel's tuple
    holds (``split``). ``tensor_vjp = True`` marks a VJP that runs user code and always
    wants Tensors: ``vjp(self, node, *grads)`` with ``node.inputs`` (hooks, custom
    functions).

    Optional kernels: every op outside the required primitives (:mod:`lucid.ops.primitives`)
    has a composite, ``composite(*inputs, **params)`` (the same result written with other
    ops, on Tensors; a method here or a function in :mod:`lucid.ops.composites`), which
    runs whenever the serving backend has no kernel for the op; the graph then records the
    composite's ops and their VJPs. A backend
    that has the kernel (a fused one, for speed) runs it, and the op's own ``vjp`` applies.
    A fused kernel may return extra, kernel-only outputs after the visible ones (statistics
    or activations its VJP reads instead of recomputing them): the composite returns
    ``None`` in their places, the op's public function drops them, and their gradient is
    unused (``lucid.testing.test_fused`` compares the two paths on the visible outputs).
    """

    name: str = ""
    n_outputs: int = 1
    differentiable: bool = True
    save_inputs: tuple[int, ...] | None = None
    save_output: bool = False
    save_input_dtypes: bool = False
    tensor_vjp: bool = False
    composite = None  # or a method: the op written with other ops (no kernel needed)

    def check(self, *inputs, **params) -> None:
        """Raise ShapeError/DTypeError/ValueError before any kernel runs."""

    def vjp(self, k, node, *grads):
        raise RuntimeError(f"op {self.name!r} is not differentiable")

    def __repr__(self) -> str:
        return f"<op {self.name}>"


_NO_CHECK = Op.check


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: instantiate the op and add it to :data:`OPS` under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"register: op class {cls.__name__} has no name")
    if cls.name in OPS:
        raise ValueError(f"register: op {cls.name!r} is registered twice")
    code = cls.vjp.__code__
    if code.co_argcount > 1 and code.co_varnames[1] == "node" and not cls.tensor_vjp:
        raise TypeError(f"register: op {cls.name!r} defines vjp(self, node, ...), the "
                        "Tensor-only form; write vjp(self, k, node, *grads) or set "
                        "tensor_vjp = True")
    OPS[cls.name] = cls()
    return cls


def _device_error(op_name: str, inputs, device, backend):
    for t in inputs:
        if t._device != device:
            return DeviceMismatchError(
                f"{op_name}: tensors are on different devices: {device} and {t._device}; "
                "move them with .to(device) first")
    bad = next(t for t in inputs if t._backend is not backend)
    return BackendError(
        f"{op_name}: a tensor on {bad._device} was made by backend {bad._backend.name!r}, "
        f"but {bad._device} is now served by {backend.name!r}; move it with "
        f"t.to('{bad._device}') first")


def apply(name: str, *inputs, device=None, **params):
    """Run op ``name`` on tensors ``inputs`` with keyword ``params``; record the graph.

    The steps: one device and backend for all inputs (the backend serving that device
    now), the op's checks, the kernel call, and, when grad mode is on and an input
    requires grad, a :class:`Node` on the output.
    """
    op = OPS[name]
    if inputs:
        first = inputs[0]
        device = first._device
        backend = first._backend
        if _binding.get(device.type) is not backend and backends.serving(device) is not backend:
            raise _device_error(name, inputs, device, backends.serving(device))
        for t in inputs:
            if t._backend is not backend or (t._device is not device and t._device != device):
                raise _device_error(name, inputs, device, backend)
    else:
        device = creation_device(device)  # a ``with lucid.device(...)`` block wins
        backend = backends.serving(device)
    if type(op).check is not _NO_CHECK:
        op.check(*inputs, **params)
    kernel = backend.kernels.get(name)
    if kernel is None:
        if op.composite is not None:  # creation ops: the composite needs the device
            return op.composite(*inputs, **params) if inputs else op.composite(
                device=device, **params)
        backend.kernel(name)  # raises NotImplementedError naming backend and op
    try:
        if len(inputs) == 1:
            out = kernel(first._data, **params)
        elif len(inputs) == 2:
            out = kernel(first._data, inputs[1]._data, **params)
        else:
            out = kernel(*[t._data for t in inputs], **params)
    except LucidError:
        raise
    except (ValueError, IndexError, TypeError) as exc:
        shapes = ", ".join(str(t.shape) for t in inputs)
        kind = ShapeError if isinstance(exc, ValueError) else type(exc)
        raise kind(f"{name}: {exc} (input shapes: {shapes}; params: {params})") from exc
    node = None
    if op.differentiable and inputs and _grad_mode.enabled:
        for t in inputs:
            if t.requires_grad:
                node = Node(op, inputs, params, out, op.n_outputs or len(out), device, backend)
                break
    wrap = Tensor._wrap
    if op.n_outputs == 1:
        result = wrap(out, device, node, 0, backend)
        if node is not None and op.save_output:
            node.watch_output(result)
        return result
    return tuple(wrap(o, device, node, i, backend) for i, o in enumerate(out))


def apply_broadcasting(name: str, x: Tensor, y: Tensor):
    """:func:`apply` for a broadcasting binary op on two tensors of one dtype (the
    operators' common case): the same steps with fewer Python calls. The op's check (the
    broadcast rule) runs only when the shapes differ; anything unusual (devices,
    backends, a missing kernel, a kernel error) takes the general path, which raises."""
    backend = x._backend
    device = x._device
    if (y._backend is not backend or (y._device is not device and y._device != device)
            or _binding.get(device.type) is not backend):
        return apply(name, x, y)
    op = OPS[name]
    xd, yd = x._data, y._data
    if xd.shape != yd.shape:
        op.check(x, y)
    kernel = backend.kernels.get(name)
    if kernel is None:
        return apply(name, x, y)
    try:
        out = kernel(xd, yd)
    except (ValueError, IndexError, TypeError):
        return apply(name, x, y)
    if (x.requires_grad or y.requires_grad) and op.differentiable and _grad_mode.enabled:
        node = Node(op, (x, y), {}, out, 1, device, backend)
        result = Tensor._wrap(out, device, node, 0, backend)
        if op.save_output:
            node.watch_output(result)
        return result
    return Tensor._wrap(out, device, None, 0, backend)


def apply_composite(name: str, *inputs, device=None, **params):
    """Run op ``name`` as its composite of other ops even where the backend has a fused
    kernel (the conformance suite compares the two)."""
    op = OPS[name]
    if op.composite is None:
        raise ValueError(f"apply_composite: op {name!r} has no composite definition")
    op.check(*inputs, **params)
    if not inputs:
        return op.composite(device=creation_device(device), **params)
    return op.composite(*inputs, **params)
