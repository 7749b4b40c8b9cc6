"""A minimal Lucid backend: the required kernels (``lucid.ops.primitives``) and nothing
else, on NumPy arrays. Every other op runs as core's composite of these.

Install it (``pip install docs/examples/minimal-backend``) and run the whole conformance
suite on it: ``LUCID_BACKEND=minimal python -m pytest --pyargs lucid.testing``.
"""

from minimal_lucid_backend.backend import BACKEND, MinimalBackend
from minimal_lucid_backend.plugin import lucid_backends

__all__ = ["BACKEND", "MinimalBackend", "lucid_backends"]
