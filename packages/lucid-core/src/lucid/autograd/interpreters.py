"""The two interpreters of a VJP: on raw backend arrays, or on Tensors (``create_graph``).

Every op writes its VJP once, as ``vjp(self, k, node, *grads)``. The VJP reads the values
it saved through ``k.inputs(node)`` / ``k.output(node)``, computes with Python operators
(``+ - *`` and unary ``-``, which backend arrays and Tensors both have) and calls other ops
by name as ``k.<op>(arrays..., **kernel_params)`` with exactly the parameters of the op's
kernel. Which interpreter ``k`` is decides what that means:

* :class:`RawOps` (the common case, no ``create_graph``): ``k.mul`` *is* the backend's
  ``mul`` kernel, the saved values are native arrays and the gradients are native arrays.
  No Tensor is made, nothing is checked, no graph is recorded.
* :class:`TensorOps` (``create_graph=True``): ``k.mul(a, b)`` is ``apply("mul", a, b)``,
  the saved values are Tensors linked to the graph, so the gradient is itself
  differentiable (higher-order derivatives).

Python numbers may be passed where an op takes an array (``k.where(mask, 0.0, x)``): the
raw kernels take them as they are, the Tensor interpreter makes 0-d tensors of the dtype
of the first floating-point tensor argument. ``k.zeros_like(x)`` is the one helper that is
not a kernel call.
"""

from __future__ import annotations

import functools

__all__ = ["RawOps", "TensorOps", "raw_ops", "tensor_ops", "clear_raw_caches"]


class RawOps:
    """``k.<op>`` is backend ``backend``'s kernel for ``op``; values are native arrays."""

    graph = False

    def __init__(self, backend) -> None:
        self.backend = backend

    def __getattr__(self, op_name: str):
        if op_name.startswith("__"):
            raise AttributeError(op_name)
        kernel = self.backend.kernels.get(op_name)
        if kernel is None:  # an optional op this backend lacks: its composite, on arrays
            kernel = _composite_on_arrays(self.backend, op_name)
        setattr(self, op_name, kernel)  # later lookups are a plain attribute read
        return kernel

    @staticmethod
    def inputs(node) -> list:
        """The saved input arrays (``None`` where the op did not save an input)."""
        if node.saved is None:
            node.check_saved()
        return node.saved

    @staticmethod
    def output(node, index: int = 0):
        return node.out_data[index] if node.n_outputs > 1 else node.out_data

    def zeros_like(self, x):
        return self.full(shape=tuple(x.shape), fill_value=0, dtype=self.backend.dtype_of(x))


class TensorOps:
    """``k.<op>(...)`` is ``apply(op, ...)`` on Tensors: the VJP records a graph."""

    graph = True

    def __getattr__(self, op_name: str):
        if op_name.startswith("__"):
            raise AttributeError(op_name)
        from lucid.ops.registry import OPS

        if op_name not in OPS:
            raise AttributeError(f"no op named {op_name!r}")
        fn = functools.partial(_apply_tensors, op_name)
        setattr(self, op_name, fn)
        return fn

    @staticmethod
    def inputs(node) -> tuple:
        return node.inputs

    @staticmethod
    def output(node, index: int = 0):
        return node.saved_output(index)

    @staticmethod
    def zeros_like(x):
        from lucid.ops.creation import zeros_like

        return zeros_like(x)


def _apply_tensors(op_name: str, *args, **params):
    from lucid.ops.arithmetic import scalar_tensor
    from lucid.ops.registry import apply
    from lucid.tensor import Tensor

    if not all(isinstance(a, Tensor) for a in args):
        tensors = [a for a in args if isinstance(a, Tensor)]
        like = next((t for t in tensors if t.dtype.is_floating_point), tensors[0])
        args = [a if isinstance(a, Tensor) else scalar_tensor(a, like.dtype, like)
                for a in args]
    return apply(op_name, *args, **params)


def _composite_on_arrays(backend, op_name: str):
    """Op ``op_name`` as a function on ``backend``'s native arrays, for a backend without
    its kernel: the arrays wrapped as Tensors (no graph), the op's composite, unwrapped.
    ``NotImplementedError`` (naming backend and op) where the op has no composite."""
    from lucid.autograd.grad_mode import no_grad
    from lucid.device import to_device
    from lucid.ops.registry import OPS
    from lucid.tensor import Tensor

    if op_name not in OPS or OPS[op_name].composite is None:
        backend.kernel(op_name)  # raises NotImplementedError naming backend and op
    device = to_device(backend._device_type)

    def run(*args, **params):
        wrapped = [Tensor._wrap(a, device, None, 0, backend)
                   if a is not None and not isinstance(a, (bool, int, float)) else a
                   for a in args]
        with no_grad():
            out = _apply_tensors(op_name, *wrapped, **params)
        return tuple(o._data for o in out) if isinstance(out, tuple) else out._data

    return run


_RAW: dict[int, RawOps] = {}
_TENSOR = TensorOps()


def raw_ops(backend) -> RawOps:
    """The raw interpreter of ``backend`` (a Backend, or a Tensor: its backend): ``k.<op>``
    is that backend's kernel. One per backend object, kernels cached. Public: optimizers
    and extensions compute on native arrays with it (``k = raw_ops(p); k.mul(a, b)``)."""
    backend = getattr(backend, "_backend", backend)
    ops = _RAW.get(id(backend))
    if ops is None or ops.backend is not backend:
        ops = _RAW[id(backend)] = RawOps(backend)
    return ops


def tensor_ops() -> TensorOps:
    return _TENSOR


def clear_raw_caches() -> None:
    """Forget the kernels the raw interpreters looked up, so that they see a backend's
    current ``kernels`` table. Call it after replacing a table (the flop counter and
    NumPy's step recorder wrap every kernel for a while)."""
    for ops in _RAW.values():
        for attr in [a for a in vars(ops) if a != "backend"]:
            delattr(ops, attr)
