"""The MLX backend object: data movement, dtype mapping, devices and laziness.

One :class:`MlxBackend` is registered under the name ``mlx``. Binding it to a device type
(``lucid.backends.bind("cpu", "mlx")``, or the default ``gpu -> mlx``) returns a *view*
for that device: the same kernels, each run inside ``mx.stream(device)`` so that MLX
computes on ``mx.cpu`` for Lucid's ``cpu`` and on ``mx.gpu`` for Lucid's ``gpu``, even
when MLX serves both devices in one process. MLX arrays live in unified memory, so the
device only chooses where the kernels run.

MLX is lazy: kernels build a graph and nothing is computed until it is evaluated:
Lucid's ``Tensor.eval()`` (called by the engine at the end of backward and by the
optimizers after a step) starts the computation with ``mx.async_eval``, and a read
(``.numpy()``, ``.item()``) waits for the values.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import mlx.core as mx
import numpy as np

from lucid.backend import Backend
from lucid.dtypes import (
    Bool,
    DType,
    Float16,
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    to_dtype,
)
from lucid.errors import BackendError, DTypeError
from lucid_backend_mlx.compiler import compile_function
from lucid_backend_mlx.kernels import KERNELS, _deferred_checks, _random_state
from lucid_backend_mlx.kernels._trace_state import TRACE

TO_MLX = {Float16: mx.float16, Float32: mx.float32, Float64: mx.float64, Int8: mx.int8,
          UInt8: mx.uint8, Int16: mx.int16, Int32: mx.int32, Int64: mx.int64, Bool: mx.bool_}
FROM_MLX = {v: k for k, v in TO_MLX.items()}

GPU_HINT = ("on macOS with Apple silicon `pip install lucid-backend-mlx` (Metal); on Linux "
            "with an NVIDIA GPU `pip install 'lucid-backend-mlx[cuda]'`. To run MLX on the "
            "CPU instead, bind it there: lucid.backends.bind('cpu', 'mlx')")
FLOAT64_HINT = ("MLX computes float64 only on its CPU device, not on the GPU; use float32 "
                "on 'gpu', or bind MLX to 'cpu' (lucid.backends.bind('cpu', 'mlx')) for "
                "float64")


def gpu_available() -> bool:
    """True when MLX has a GPU here (Metal on Apple silicon, or CUDA with ``mlx[cuda]``)."""
    is_available = getattr(mx, "is_available", None)
    if is_available is not None:
        return bool(is_available(mx.gpu))
    for name in ("metal", "cuda"):
        module = getattr(mx, name, None)
        if module is not None and module.is_available():
            return True
    return False


def _float64_error(where: str) -> DTypeError:
    return DTypeError(f"mlx backend: {where}: float64 is not supported on device 'gpu'. "
                      f"{FLOAT64_HINT}")


def _on_device(fn: Callable, device, name: str, no_float64: bool) -> Callable:
    """``fn`` run with ``device`` as MLX's default device/stream (and, on the GPU, a
    refusal of ``dtype=float64`` parameters)."""
    default_device = mx.default_device
    if no_float64 and _takes_dtype(fn):
        @functools.wraps(fn)
        def run_gpu(*arrays, **params):
            if params.get("dtype") == Float64:
                raise _float64_error(name)
            if default_device() == device:
                return fn(*arrays, **params)
            with mx.stream(device):
                return fn(*arrays, **params)

        return run_gpu

    @functools.wraps(fn)
    def run(*arrays, **params):
        if default_device() == device:  # already there: skip the stream switch (~0.7 us)
            return fn(*arrays, **params)
        with mx.stream(device):
            return fn(*arrays, **params)

    return run


def _takes_dtype(fn: Callable) -> bool:
    """Whether kernel ``fn`` has a ``dtype`` parameter (or takes any keyword)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "dtype" or p.kind is p.VAR_KEYWORD for p in params)


class MlxBackend(Backend):
    """Lazy kernels on ``mx.array``; serves device ``gpu`` by default, ``cpu`` on request.

    ``MlxBackend()`` is the registered object (kernels on MLX's default device); ``bind``
    returns one view per device type whose kernels run on that MLX device.
    """

    name = "mlx"
    lazy = True

    def __init__(self, device_type: str | None = None, root: MlxBackend | None = None) -> None:
        super().__init__()
        self._root = root if root is not None else self
        self._device_type = device_type
        self._views: dict[str, MlxBackend] = {}
        self._no_float64 = device_type == "gpu"
        if device_type is None:
            self.kernels = KERNELS
        else:
            device = self.mlx_device(device_type)
            self.kernels = {name: _on_device(fn, device, name, self._no_float64)
                            for name, fn in KERNELS.items()}

    # -- devices -------------------------------------------------------------------------
    def mlx_device(self, device_type: str):
        """The MLX device that computes for Lucid's ``device_type``."""
        return mx.cpu if device_type == "cpu" else mx.gpu

    def check_device(self, device_type: str) -> None:
        if device_type == "cpu":
            return
        if device_type != "gpu":
            raise BackendError(f"mlx backend: cannot serve device {device_type!r}")
        if not gpu_available():
            raise BackendError(
                "mlx backend: device 'gpu' needs a GPU, but MLX sees none here "
                f"(mlx {mx.__version__}, no Metal and no CUDA device). Lucid never falls back "
                f"to the CPU silently: {GPU_HINT}")

    def bind(self, device_type: str) -> MlxBackend:
        """Check ``device_type`` and return the view that computes on it."""
        root = self._root
        root.check_device(device_type)
        view = root._views.get(device_type)
        if view is None:
            view = root._views[device_type] = type(root)(device_type, root)
        return view

    @property
    def device_type(self) -> str | None:
        """The Lucid device type this view serves (None for the unbound backend)."""
        return self._device_type

    # -- data movement -------------------------------------------------------------------
    def from_numpy(self, array: np.ndarray) -> mx.array:
        array = np.asarray(array)
        dtype = to_dtype(array.dtype.name)
        if self._no_float64 and dtype == Float64:
            raise _float64_error("moving a float64 array to the device")
        return mx.array(array, dtype=TO_MLX[dtype])

    def scalar(self, value, dtype: DType) -> mx.array:
        """A 0-d ``mx.array`` of ``value`` (straight from the Python number, no NumPy)."""
        if self._no_float64 and dtype == Float64:
            raise _float64_error("a float64 scalar")
        return mx.array(value, dtype=TO_MLX[dtype])

    def to_numpy(self, array: mx.array) -> np.ndarray:
        """A NumPy copy (evaluates; NumPy writes never touch MLX memory). A host read:
        the data checks queued on the GPU (``_deferred_checks``) are raised first."""
        if TRACE.active:
            raise RuntimeError("lucid.compile: a compiled function cannot read values "
                               "(.item(), .numpy(), print, if on a tensor) while it is "
                               "traced; return the tensor and read it after the call")
        _deferred_checks.raise_pending()
        return np.array(array)

    def native_dtype(self, dtype: DType):
        if self._no_float64 and dtype == Float64:
            raise _float64_error("native_dtype")
        return TO_MLX[dtype]

    def dtype_of(self, array) -> DType:
        try:
            return FROM_MLX[array.dtype]
        except KeyError:
            raise DTypeError(f"mlx backend: MLX dtype {array.dtype} has no Lucid dtype") from None

    def is_native(self, value) -> bool:
        return isinstance(value, mx.array)

    # -- execution -----------------------------------------------------------------------
    def eval(self, *arrays) -> None:
        """Start computing ``arrays`` now (``mx.async_eval``) and return.

        The graph behind them is scheduled at once, so it stops growing and its memory is
        released as results land; reading a value (``.numpy()``, ``.item()``) waits for
        it. Not blocking matters on a GPU: backward and the optimizer evaluate every leaf
        gradient and parameter, and one blocking ``mx.eval`` per tensor would be one
        device synchronisation each. Nothing happens while ``lucid.compile`` traces."""
        if not TRACE.active:
            mx.async_eval(*arrays)

    def compile_function(self, fn):
        """``fn(arrays) -> arrays`` compiled with ``mx.compile`` (see ``compiler.py``)."""
        return compile_function(fn)

    def seed(self, seed: int) -> None:
        _random_state.seed(seed)

    def __repr__(self) -> str:
        where = f" on {self._device_type}" if self._device_type else ""
        return f"<lucid backend 'mlx'{where}: {len(self.kernels)} kernels>"


BACKEND = MlxBackend()
