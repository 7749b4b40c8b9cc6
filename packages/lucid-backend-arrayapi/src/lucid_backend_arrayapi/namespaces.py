"""Finding an Array API namespace by name, the device it computes on, and host copies.

``resolve("cupy")`` imports the library's standard-conforming namespace: the
``array_api_compat`` wrapper where one exists (NumPy, CuPy, PyTorch, Dask), else the
library's own (``jax.numpy``, ``array_api_strict``). JAX computes in float32 unless told
otherwise, so binding it turns on ``jax_enable_x64`` (Lucid's float64 and int64 are real).
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

from lucid.errors import BackendError

ALIASES = {"jax": "jax.numpy", "strict": "array_api_strict", "np": "numpy", "cp": "cupy"}
_COMPAT = ("numpy", "cupy", "torch", "dask.array")
INSTALL = {"cupy": "pip install cupy-cuda12x", "jax.numpy": "pip install jax",
           "torch": "pip install torch", "array_api_strict": "pip install array-api-strict"}


def resolve(name: str) -> ModuleType:
    """The Array API namespace called ``name`` (raises BackendError with an install hint)."""
    module = ALIASES.get(name, name)
    try:
        if module in _COMPAT:
            return importlib.import_module(f"array_api_compat.{module}")
        if module == "jax.numpy":
            import jax

            jax.config.update("jax_enable_x64", True)
        return importlib.import_module(module)
    except ImportError as exc:
        hint = INSTALL.get(module, f"pip install {module.split('.')[0]}")
        raise BackendError(f"arrayapi backend: namespace {name!r} cannot be imported "
                           f"({exc}); {hint}") from None


def library(xp: ModuleType) -> str:
    """The short library name of a namespace: 'numpy', 'cupy', 'torch', 'jax', ..."""
    name = xp.__name__.removeprefix("array_api_compat.")
    return name.split(".")[0]


def pick_device(xp: ModuleType, device_type: str):
    """The namespace's device serving Lucid's ``device_type`` (``cpu``/``gpu``), or a
    BackendError saying the library cannot serve it."""
    lib = library(xp)
    if lib == "jax":
        import jax

        kinds = {"cpu": ("cpu",), "gpu": ("gpu", "cuda", "rocm")}[device_type]
        for kind in kinds:
            try:
                return jax.devices(kind)[0]
            except RuntimeError:
                continue
    elif lib == "torch":
        import torch

        if device_type == "cpu":
            return torch.device("cpu")
        if torch.cuda.is_available():
            return torch.device("cuda")
    elif lib == "cupy":
        if device_type == "gpu":
            return xp.__array_namespace_info__().default_device()
    elif device_type == "cpu":  # numpy, array_api_strict, dask: host libraries
        return xp.__array_namespace_info__().default_device()
    raise BackendError(f"arrayapi backend: namespace {xp.__name__!r} cannot serve device "
                       f"{device_type!r} here")


def to_host(xp: ModuleType, array) -> np.ndarray:
    """A NumPy copy of ``array`` (through DLPack on the host; the library's own copy off
    it)."""
    lib = library(xp)
    if lib == "cupy":
        return array.get()
    if lib == "torch":
        return array.detach().cpu().numpy()
    if lib in ("jax", "numpy"):
        return np.asarray(array)
    return np.from_dlpack(array)
