"""``lucid_backend_meta``: the shape-only backend serving device ``meta``."""

from lucid_backend_meta.array import MetaArray, MetaDataError
from lucid_backend_meta.backend import BACKEND, MetaBackend

__all__ = ["BACKEND", "MetaArray", "MetaBackend", "MetaDataError"]
