"""MLX kernels, one module per op family; importing the package fills ``KERNELS``."""

import importlib
import pkgutil

from lucid_backend_mlx.kernels._registry import KERNELS

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["KERNELS"]
