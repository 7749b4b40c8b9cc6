"""The :class:`Backend` base class that every backend plugin subclasses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lucid.dtypes import DType, to_dtype
from lucid.errors import BackendError


class Backend:
    """Kernels and data movement for one array library.

    Subclasses set ``name`` and fill ``kernels`` (op name -> function on native arrays).
    Each kernel receives native arrays positionally and the op's parameters as keywords,
    and returns a native array (or a tuple of them for multi-output ops).
    """

    name: str = "abstract"
    kernels: dict[str, Callable[..., Any]]
    lazy: bool = False

    def __init__(self) -> None:
        self.kernels = dict(getattr(self, "kernels", {}))
        self._device_type = "cpu"

    # -- data movement -------------------------------------------------------------
    def from_numpy(self, array: np.ndarray) -> Any:
        """Native array holding the values of a NumPy array, same dtype."""
        raise NotImplementedError(f"backend {self.name!r} has no from_numpy")

    def scalar(self, value, dtype: DType) -> Any:
        """A 0-d native array holding ``value`` as ``dtype``."""
        return self.from_numpy(np.asarray(value, dtype=dtype.name))

    def to_numpy(self, array: Any) -> np.ndarray:
        """NumPy copy (or view) of a native array."""
        raise NotImplementedError(f"backend {self.name!r} has no to_numpy")

    def native_dtype(self, dtype: DType) -> Any:
        """The native dtype of a Lucid DType."""
        raise NotImplementedError(f"backend {self.name!r} has no native_dtype")

    def dtype_of(self, array: Any) -> DType:
        """The Lucid DType of a native array."""
        return to_dtype(str(array.dtype))

    def is_native(self, value: Any) -> bool:
        """True when ``value`` is this backend's array type."""
        return False

    def same_array(self, a: Any, b: Any) -> bool:
        """True when ``a`` and ``b`` are one array (``a is b``). A backend whose arrays may
        stand for others (NumPy's marked arrays while ``lucid.compile`` records a step)
        says so here; optimizers use it to know a parameter's array is still theirs."""
        return a is b

    # -- execution -----------------------------------------------------------------
    def eval(self, *arrays: Any) -> None:
        """Force evaluation of lazy arrays (a no-op for eager backends)."""

    def seed(self, seed: int) -> None:
        """Seed this backend's random generator."""

    @property
    def can_compile(self) -> bool:
        """Whether :meth:`compile_function` is implemented (``lucid.compile`` replays)."""
        return type(self).compile_function is not Backend.compile_function

    def compile_function(self, fn: Callable[[list], list]) -> Callable[[list], list]:
        """Optional: ``fn`` (a pure function from a list of native arrays to a list of
        native arrays) compiled by the backend's graph compiler: traced once, replayed
        without running its Python (``lucid.compile``). MLX implements it with
        ``mx.compile``, NumPy by recording the step's calls and replaying them. The
        returned callable may have an ``eager_reason`` (a string, else None): set when it
        finds that it cannot replay the function; ``lucid.compile`` then runs it eagerly."""
        raise NotImplementedError(f"backend {self.name!r} has no graph compiler")

    def bind(self, device_type: str) -> Backend | None:
        """Called when this backend is bound to serve ``device_type``. May return another
        Backend object (a per-device view, e.g. MLX on ``mx.cpu`` vs ``mx.gpu``) that then
        serves the device instead of ``self``."""
        self.check_device(device_type)
        self._device_type = device_type

    def check_device(self, device_type: str) -> None:
        """Raise :class:`BackendError` when this backend cannot serve ``device_type``."""

    def kernel(self, op_name: str) -> Callable[..., Any]:
        try:
            return self.kernels[op_name]
        except KeyError:
            raise NotImplementedError(
                f"backend {self.name!r} has no kernel for op {op_name!r}") from None

    def __repr__(self) -> str:
        return f"<lucid backend {self.name!r}: {len(self.kernels)} kernels>"


def missing_backend(name: str, hint: str) -> BackendError:
    return BackendError(f"backend {name!r} is not available: {hint}")
