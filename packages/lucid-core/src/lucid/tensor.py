"""The Tensor: a backend-native array, its device, and its place in the autodiff graph.

Most methods (``exp``, ``sum``, ``reshape``, operators ...) are attached by the op
modules under :mod:`lucid.ops` with :func:`tensor_method`, next to the function they
share; this file holds what is about the tensor itself.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from lucid import backends
from lucid.autograd.engine import run_backward
from lucid.device import Device, creation_device, to_device
from lucid.dtypes import DType, default_float, default_int, to_dtype
from lucid.errors import DTypeError


class _Size(int):
    """``t.size``: the element count (an int, NumPy style) that is also callable
    PyTorch style: ``t.size()`` is the shape and ``t.size(d)`` one dimension."""

    def __new__(cls, shape: tuple[int, ...]):
        n = 1
        for s in shape:
            n *= s
        obj = super().__new__(cls, n)
        obj.shape = shape
        return obj

    def __call__(self, dim: int | None = None):
        return self.shape if dim is None else self.shape[dim]


def _to_numpy_input(data, dtype: DType | None) -> np.ndarray:
    """Python data -> NumPy array with Lucid's inference (floats -> float32, ints -> int64)."""
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.asarray(data)
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
            data = [x.numpy() if isinstance(x, Tensor) else x for x in data]
        arr = np.asarray(data)
        if dtype is None:
            if arr.dtype.kind == "f":
                arr = arr.astype(default_float.name)
            elif arr.dtype.kind in "iu":
                arr = arr.astype(default_int.name)
    if arr.dtype.kind not in "biuf":
        raise DTypeError(f"tensor: cannot make a tensor from data of NumPy dtype {arr.dtype}")
    if dtype is not None and arr.dtype.name != dtype.name:
        arr = arr.astype(dtype.name)
    return arr


class Tensor:
    """An n-dimensional array with reverse-mode autodiff.

    ``Tensor(data, requires_grad=False, dtype=None, device="cpu")``: ``data`` may be a
    Python number or nested list (floats become ``float32``, ints ``int64``), a NumPy
    array (its dtype is kept), a backend-native array or another tensor.
    """

    __slots__ = ("_data", "_device", "_dtype", "requires_grad", "_grad", "_node", "_out_index",
                 "_hooks", "_backend", "_version", "__weakref__", "__dict__")
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None, device="cpu"):
        dtype = to_dtype(dtype)
        device = creation_device(device)  # a ``with lucid.device(...)`` block wins
        backend = backends.for_device(device)
        if isinstance(data, Tensor):
            data = data.detach().to(device)._data
        if not backend.is_native(data):
            data = backend.from_numpy(_to_numpy_input(_foreign_to_numpy(data), dtype))
        elif dtype is not None and backend.dtype_of(data) != dtype:
            data = backend.kernel("astype")(data, dtype=dtype)
        self._init(data, device, backend)
        if requires_grad:
            self.requires_grad_(True)

    def _init(self, data, device: Device, backend) -> None:
        self._data = data
        self._device = device
        self._backend = backend
        self._dtype = None
        self.requires_grad = False
        self._grad = None
        self._node = None
        self._out_index = 0
        self._hooks = None
        self._version = 0

    @classmethod
    def _wrap(cls, data, device: Device, node=None, index: int = 0, backend=None) -> Tensor:
        """A tensor around a native array, without copying or checking (op outputs)."""
        t = object.__new__(cls)
        t._data = data
        t._device = device
        t._backend = backend or backends.serving(device)
        t._dtype = None
        t._grad = None
        t._hooks = None
        t._version = 0
        t._node = node
        t._out_index = index
        t.requires_grad = node is not None
        return t

    # -- what the tensor is -------------------------------------------------------------
    @property
    def data(self):
        """The backend-native array (``np.ndarray`` / ``mx.array``)."""
        return self._data

    @data.setter
    def data(self, value) -> None:
        """``t.data = source``: ``t`` holds ``source``'s values (and, for a Tensor, its
        device and dtype) from now on, keeping its identity, ``requires_grad`` and hooks
        (PyTorch's way to move a parameter in place); outside the graph."""
        if isinstance(value, Tensor):
            self._device, self._backend = value._device, value._backend
            value = value._data
        elif not self._backend.is_native(value):
            value = self._backend.from_numpy(_to_numpy_input(value, self.dtype))
        self._data = value
        self._dtype = None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return len(self._data.shape)

    @property
    def size(self) -> _Size:
        return _Size(self.shape)

    def numel(self) -> int:
        return int(self.size)

    def dim(self) -> int:
        return self.ndim

    def __len__(self) -> int:
        if not self.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    @property
    def dtype(self) -> DType:
        if self._dtype is None:
            self._dtype = self._backend.dtype_of(self._data)
        return self._dtype

    @property
    def device(self) -> Device:
        return self._device

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self):
        return self._node

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    # -- leaving the graph / the device --------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (a copy for non-NumPy backends)."""
        return self._backend.to_numpy(self._data)

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    def item(self):
        if self.size != 1:
            raise ValueError(f"item: tensor of shape {self.shape} has {int(self.size)} "
                             "elements, not 1")
        return self.numpy().reshape(()).item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(f"the truth value of a tensor with {int(self.size)} elements is "
                             "ambiguous")
        return bool(self.item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.size != 1:
            raise TypeError("only integer tensors of a single element can be an index")
        return int(self.item())

    def eval(self) -> Tensor:
        """Force evaluation on lazy backends (MLX); a no-op on NumPy. Returns self."""
        if self._backend.lazy:
            self._backend.eval(self._data)
        return self

    def to(self, *args, **kwargs) -> Tensor:
        """``to(device)``, ``to(dtype)`` or ``to(device, dtype)``: a tensor there, with history."""
        device, dtype = None, kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        for a in args:
            if isinstance(a, (DType, type)) or (isinstance(a, str) and _is_dtype_name(a)):
                dtype = a
            else:
                device = a
        out = self
        if device is not None and (to_device(device) != self._device or
                                   backends.for_device(to_device(device)) is not self._backend):
            from lucid.ops.movement import to_device as move

            out = move(out, to_device(device))
        if dtype is not None and to_dtype(dtype) != out.dtype:
            out = out.astype(to_dtype(dtype))
        return out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def gpu(self, index: int | None = None) -> Tensor:
        return self.to("gpu" if index is None else f"gpu:{index}")

    cuda = gpu

    # -- autodiff -----------------------------------------------------------------------
    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (``None`` until then)."""
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"grad: assigned grad must be a Tensor or None, got "
                                f"{type(value).__name__}")
            from lucid.autograd.gradient_check import check_gradient

            check_gradient(value, self.shape, self.dtype, "grad: assigned grad")
            if value._device != self._device:
                from lucid.errors import DeviceMismatchError

                raise DeviceMismatchError(f"grad: assigned grad is on {value._device}, but "
                                          f"the tensor is on {self._device}")
        self._grad = value

    def set_(self, source) -> Tensor:
        """Replace this tensor's values by ``source`` (a tensor or a backend-native array of
        the same shape and dtype) in place, outside the graph; bumps the version counter
        like every in-place write, so a backward that saved the old values refuses to run.
        Optimizers use it to store updated parameters."""
        data = source._data if isinstance(source, Tensor) else source
        if not self._backend.is_native(data):
            raise TypeError(f"set_: expected a Tensor or a {self._backend.name} array, got "
                            f"{type(source).__name__}")
        if tuple(data.shape) != self.shape:
            from lucid.errors import ShapeError

            raise ShapeError(f"set_: source shape {tuple(data.shape)} differs from the "
                             f"tensor's shape {self.shape}")
        if data.dtype != self._data.dtype:
            raise DTypeError(f"set_: source dtype {self._backend.dtype_of(data)} differs "
                             f"from the tensor's dtype {self.dtype}")
        self._data = data
        self._version += 1
        return self

    def requires_grad_(self, flag: bool = True) -> Tensor:
        if flag and not self.dtype.is_floating_point:
            raise DTypeError(f"requires_grad: only floating-point tensors can require "
                             f"gradients, this one is {self.dtype.name}")
        if not flag and self._node is not None:
            raise RuntimeError("requires_grad_: cannot turn off grad on a non-leaf tensor; "
                               "use detach()")
        self.requires_grad = bool(flag)
        return self

    def backward(self, gradient=None, retain_graph: bool = False,
                 create_graph: bool = False, **aliases) -> None:
        """Accumulate ``d(self)/d(leaf)`` (times ``gradient``) into every leaf's ``.grad``.

        The original Lucid's ``keep_grad=True`` (or ``retain_grad=True``) also keeps
        ``.grad`` on every intermediate tensor of the graph
        (:mod:`lucid.autograd.keep_grad`)."""
        if not self.requires_grad:
            raise RuntimeError("backward: tensor does not require grad and has no graph")
        if aliases:
            from lucid.autograd.keep_grad import keep_grad_argument, retain_all_grads

            if keep_grad_argument(aliases):
                retain_all_grads(self)
        if gradient is None:
            if self.size != 1:
                raise RuntimeError(f"backward: grad can be implicitly created only for "
                                   f"scalar outputs, got shape {self.shape}; pass gradient")
            from lucid.ops.creation import ones_like

            gradient = ones_like(self)
        elif not isinstance(gradient, Tensor):
            gradient = Tensor(gradient, dtype=self.dtype, device=self.device)
        if gradient.shape != self.shape:
            from lucid.errors import ShapeError

            raise ShapeError(f"backward: gradient shape {gradient.shape} does not match "
                             f"tensor shape {self.shape}")
        run_backward([self], [gradient], retain_graph=retain_graph or create_graph,
                     create_graph=create_graph)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle with ``remove()``."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: tensor does not require grad")
        if self._node is not None:
            self._node.add_hook(self._out_index, hook)
            hooks = self._node.hooks[self._out_index]
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
            hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` on this leaf after ``backward()`` has accumulated its
        ``.grad`` (PyTorch's name; data-parallel training reduces gradients there).
        Returns a handle with ``remove()``."""
        if self._node is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: only leaf tensors "
                               "accumulate a .grad; this one was computed by an op")
        if not self.requires_grad:
            raise RuntimeError("register_post_accumulate_grad_hook: tensor does not "
                               "require grad")
        hooks = self.__dict__.setdefault("_post_accumulate_hooks", [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        if self._node is not None:
            if self._node.retained is None:
                self._node.retained = {}
            self._node.retained[self._out_index] = weakref.ref(self)

    def detach(self) -> Tensor:
        """The same data, cut from the graph."""
        return Tensor._wrap(self._data, self._device)

    def detach_(self) -> Tensor:
        self._node = None
        self.requires_grad = False
        return self

    def _assign(self, result: Tensor) -> Tensor:
        """Make ``self`` become ``result`` (the tail of every in-place op)."""
        from lucid.autograd.grad_mode import is_grad_enabled

        if self.requires_grad and self._node is None and is_grad_enabled():
            raise RuntimeError("in-place op: a leaf tensor that requires grad is used in an "
                               "in-place operation; wrap it in lucid.no_grad()")
        view = self.__dict__.get("_view_of")  # lucid.ops._views: write through to the base
        if view is not None:
            view.check()
        if result.shape != self.shape:
            from lucid.errors import ShapeError

            raise ShapeError(f"in-place op: result shape {result.shape} differs from the "
                             f"tensor's shape {self.shape}")
        data = result._data
        if result.dtype != self.dtype:
            data = self._backend.kernel("astype")(data, dtype=self.dtype)
        self._data = data
        self._version += 1
        node = result._node
        if node is not None:
            node.restamp(self)  # the op that made ``result`` saved the old values of self
            if node.out_ref is not None:
                node.watch_output(self)
            self._node, self._out_index = node, result._out_index
            self.requires_grad = True
        if view is not None:
            view.write_back(self)
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``grad = None``)."""
        self.grad = None

    def __repr__(self) -> str:
        if self._device.type == "meta":  # no values to print (PyTorch's spelling)
            body = f"..., size={self.shape}"
        else:
            body = np.array2string(self.numpy(), separator=", ", prefix="tensor(")
        extra = [] if self.dtype in (default_float, default_int) else [f"dtype={self.dtype}"]
        if self._device.type != "cpu":
            extra.append(f"device='{self._device}'")
        if self._node is not None:
            extra.append(f"grad_fn=<{self._node.op.name}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extra) + ")"

    def __hash__(self) -> int:
        return id(self)

    def __deepcopy__(self, memo):
        out = self.detach().clone()
        out.requires_grad = self.requires_grad
        memo[id(self)] = out
        return out


class _HookHandle:
    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _is_dtype_name(text: str) -> bool:
    try:
        to_dtype(text)
        return True
    except DTypeError:
        return False


def _foreign_to_numpy(data):
    """Arrays of other libraries (another backend's array, torch) via ``__array__``."""
    if isinstance(data, (np.ndarray, np.generic, list, tuple, int, float, bool, str, bytes,
                         dict, set, type(None))):  # never another library's array
        return data
    for name in available_natives():
        b = backends.available()[name]
        if b.is_native(data):
            return b.to_numpy(data)
    if hasattr(data, "__array__"):
        return np.asarray(data)
    return data


def available_natives():
    return list(backends.available())


def tensor_method(*names: str):
    """Decorator attaching a function to :class:`Tensor` under each of ``names``."""

    def attach(fn):
        for name in names:
            setattr(Tensor, name, fn)
        return fn

    return attach
