"""The meta kernels, one module per family; importing them fills :data:`KERNELS`."""

from lucid_backend_meta.kernels import creation, elementwise, linalg, nn, reduction, shape
from lucid_backend_meta.kernels._registry import KERNELS

__all__ = ["KERNELS", "creation", "elementwise", "linalg", "nn", "reduction", "shape"]
