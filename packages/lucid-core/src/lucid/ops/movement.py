"""Moving values between dtypes, devices and buffers: ``astype``, ``to_device``, ``clone``."""

from __future__ import annotations

from lucid import backends
from lucid.autograd.grad_mode import is_grad_enabled
from lucid.autograd.node import Node
from lucid.device import to_device as to_device_spec
from lucid.dtypes import to_dtype
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["astype", "clone"]


@register
class AsType(Op):
    """``y = cast(x, dtype)``; the gradient is cast back: ``dx = cast(dy, x.dtype)``."""

    name = "astype"
    save_inputs = ()
    save_input_dtypes = True

    def vjp(self, k, node, g):
        dtype = node.in_dtype(0)
        return k.astype(g, dtype=dtype) if dtype.is_floating_point else None


@register
class Clone(Op):
    """``y = x`` in a new buffer; ``dx = dy``."""

    name = "clone"
    save_inputs = ()

    def vjp(self, k, node, g):
        return g


class ToDevice(Op):
    """``y = x`` on another device; ``dx = dy`` moved back. Not a kernel: data goes
    through NumPy between the two backends (so its VJP works on Tensors)."""

    name = "to_device"
    save_inputs = ()
    tensor_vjp = True

    def vjp(self, node, g):
        return to_device(g, node.params["source"])


_TO_DEVICE = ToDevice()


@tensor_method("astype", "type")
def astype(x: Tensor, dtype) -> Tensor:
    """``x`` converted to ``dtype`` (a copy even when the dtype is the same, as NumPy)."""
    dtype = to_dtype(dtype)
    return apply("astype", x, dtype=dtype)


def to_device(x: Tensor, device) -> Tensor:
    """``x`` on ``device``, keeping its dtype and its place in the graph."""
    src, dst = x._backend, backends.for_device(device)
    data = x._data if dst is src else dst.from_numpy(src.to_numpy(x._data))
    record = x.requires_grad and is_grad_enabled()
    device = to_device_spec(device)
    node = Node(_TO_DEVICE, (x,), {"source": x._device}, data, 1, device, dst) if record else None
    return Tensor._wrap(data, device, node=node, backend=dst)


@tensor_method("clone")
def clone(x: Tensor) -> Tensor:
    """A copy of ``x`` that still belongs to the graph."""
    return apply("clone", x)


def _dtype_method(dtype_name):
    def convert(self):
        return astype(self, dtype_name)

    convert.__name__ = dtype_name
    return convert


for _name, _dtype in (("float", "float32"), ("double", "float64"), ("half", "float16"),
                      ("long", "int64"), ("int", "int32"), ("bool", "bool")):
    setattr(Tensor, _name, _dtype_method(_dtype))
