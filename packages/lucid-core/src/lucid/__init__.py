"""Lucid: tensors with reverse-mode autodiff on pluggable backends (NumPy, MLX, ...).

``lucid`` is one namespace spread over several distributions (``lucid.nn``,
``lucid.optim``, ... come from their own packages), joined by ``pkgutil.extend_path``.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

__version__ = "0.1.0"

from lucid import backends, dtypes, random  # noqa: E402
from lucid import ops as _ops  # noqa: E402
from lucid.autograd import (  # noqa: E402
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from lucid.compiler import compile  # noqa: E402, A004
from lucid.device import (
    Device,  # noqa: E402
    to_device,
)
from lucid.dtypes import (  # noqa: E402, F401
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
    bool_,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    uint8,
)
from lucid.errors import (  # noqa: E402
    BackendError,
    DeviceMismatchError,
    DTypeError,
    LucidError,
    ShapeError,
)
from lucid.hookspecs import hookimpl  # noqa: E402
from lucid.tensor import Tensor  # noqa: E402

globals().update({name: getattr(_ops, name) for name in _ops.__all__})


# NumPy's constants, as the original Lucid exported them: ``x[:, lucid.newaxis]``.
pi = 3.141592653589793
e = 2.718281828459045
inf = float("inf")
nan = float("nan")
newaxis = None


def tensor(data, dtype=None, device="cpu", requires_grad=False) -> Tensor:
    """A new tensor from data (list, number, NumPy or native array, tensor)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def as_tensor(data, dtype=None, device="cpu") -> Tensor:
    """``data`` itself when it already is a tensor of that dtype and device, else a tensor."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtypes.to_dtype(dtype)):
        return data.to(device)
    return Tensor(data, dtype=dtype, device=device)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


device = to_device  # lucid.device("gpu:0"), like torch.device


def eval(*tensors) -> None:  # noqa: A001 - MLX's name for it
    """Force lazy backends (MLX) to compute ``tensors`` (or containers of them) now."""
    from lucid.lazy import eval_tensors

    eval_tensors(*tensors)


def _load_optional(name: str):
    import importlib

    try:
        return importlib.import_module(f"lucid.{name}")
    except ImportError:
        return None


# ``import lucid.nn`` without lucid-nn installed says which distribution to install
from lucid.siblings import install_hint_finder  # noqa: E402

install_hint_finder()

for _name in ("linalg", "serialization"):
    _module = _load_optional(_name)
    if _module is not None:
        globals()[_name] = _module

if "serialization" in globals():
    save, load = serialization.save, serialization.load  # noqa: F821

# einops' operations; graph pictures (networkx/matplotlib load lazily); explain; FLOPs
from lucid import einops, visual  # noqa: E402
from lucid.autograd.explain import explain, explaining  # noqa: E402  (explain mode)
from lucid.flops import count_flops  # noqa: E402  (multiply-add counting, Tensor.flops)
