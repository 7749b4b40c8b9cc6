"""The ``arrayapi`` backend object: one namespace and one device per bound view.

The registered object is a dispatcher: ``bind(device_type, namespace=..., device=...)``
returns (and caches) a view that owns one Array API namespace ``xp`` and one of its
devices, with kernels built for them (:func:`lucid_backend_arrayapi.kernels.build`).
Without ``namespace`` the environment variable ``LUCID_ARRAYAPI_NAMESPACE`` decides
(``numpy`` by default for ``cpu``, ``cupy`` for ``gpu``), so the conformance suite runs on
any namespace with ``LUCID_BACKEND=arrayapi LUCID_ARRAYAPI_NAMESPACE=jax``.
"""

from __future__ import annotations

import os

import numpy as np

from lucid.backend import Backend
from lucid.dtypes import ALL_DTYPES, DType
from lucid.errors import BackendError, DTypeError
from lucid_backend_arrayapi import namespaces

DEFAULT_NAMESPACE = {"cpu": "numpy", "gpu": "cupy"}


class ArrayAPIBackend(Backend):
    """Kernels written once against the Array API standard, for any conforming library."""

    name = "arrayapi"
    lazy = False

    def __init__(self, namespace: str | None = None, device_type: str = "cpu",
                 device=None) -> None:
        super().__init__()
        self._views: dict[tuple, ArrayAPIBackend] = {}
        self.xp = None
        self.namespace = namespace
        if namespace is not None:
            self._setup(namespace, device_type, device)

    # -- binding ------------------------------------------------------------------------
    def bind(self, device_type: str, namespace: str | None = None,
             device=None) -> ArrayAPIBackend:
        """The view serving ``device_type`` with ``namespace`` (cached per namespace,
        device type and device, so binding again keeps existing tensors valid)."""
        if namespace is None:
            namespace = os.environ.get("LUCID_ARRAYAPI_NAMESPACE") or DEFAULT_NAMESPACE.get(
                device_type)
        if namespace is None:
            raise BackendError(f"arrayapi backend: no namespace for device {device_type!r}; "
                               "pass namespace=...")
        key = (namespace, device_type, None if device is None else str(device))
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = ArrayAPIBackend(namespace, device_type, device)
        view._device_type = device_type
        self.kernels = view.kernels  # what coverage() reports: the last namespace bound
        return view

    def _setup(self, namespace: str, device_type: str, device) -> None:
        from lucid_backend_arrayapi.kernels import build

        xp = namespaces.resolve(namespace)
        self.xp = xp
        self.library = namespaces.library(xp)
        self.device = device if device is not None else namespaces.pick_device(xp, device_type)
        self._dtypes = {d: getattr(xp, d.name) for d in ALL_DTYPES if hasattr(xp, d.name)}
        # keyed by what ``array.dtype`` returns (JAX's ``jnp.float32`` is not that)
        self._lucid_dtypes = {xp.zeros(0, dtype=v, device=self.device).dtype: k
                              for k, v in self._dtypes.items()}
        self.array_type = type(xp.zeros(1, device=self.device))
        self.kernels = build(self)

    def check_device(self, device_type: str) -> None:
        if self.xp is not None:
            namespaces.pick_device(self.xp, device_type)

    # -- data movement ------------------------------------------------------------------
    def from_numpy(self, array: np.ndarray):
        array = np.asarray(array)
        return self.xp.asarray(array, dtype=self.native_dtype_of_numpy(array.dtype),
                               device=self.device)

    def to_numpy(self, array) -> np.ndarray:
        if self.xp is None:  # the dispatcher: the view that owns this kind of array
            view = self._view_of(array)
            if view is None:
                raise BackendError(f"arrayapi backend: to_numpy got a "
                                   f"{type(array).__name__}, not an array of a bound namespace")
            return view.to_numpy(array)
        return namespaces.to_host(self.xp, array)

    def native_dtype(self, dtype: DType):
        try:
            return self._dtypes[dtype]
        except KeyError:
            raise DTypeError(f"arrayapi backend: namespace {self.xp.__name__!r} has no "
                             f"dtype {dtype.name}") from None

    def native_dtype_of_numpy(self, dtype: np.dtype):
        return self.native_dtype(_lucid_dtype(dtype))

    def dtype_of(self, array) -> DType:
        return self._lucid_dtypes[array.dtype]

    def is_native(self, value) -> bool:
        if self.xp is None:  # the dispatcher: an array of any bound view
            return self._view_of(value) is not None
        return isinstance(value, self.array_type)

    def _view_of(self, value) -> ArrayAPIBackend | None:
        return next((v for v in self._views.values() if isinstance(value, v.array_type)), None)

    def asarray(self, value, like):
        """``value`` (a native array or a Python number) as a native array of ``like``'s
        dtype when it is a number: kernels take numbers where an op takes a scalar."""
        if isinstance(value, self.array_type):
            return value
        return self.xp.asarray(value, dtype=like.dtype, device=self.device)

    def eval(self, *arrays) -> None:
        if self.library == "jax":
            for a in arrays:
                a.block_until_ready()

    def seed(self, seed: int) -> None:
        from lucid_backend_arrayapi.kernels import random

        random.seed(seed)

    def __repr__(self) -> str:
        where = "unbound" if self.xp is None else f"{self.xp.__name__} on {self.device}"
        return f"<lucid backend 'arrayapi' ({where}): {len(self.kernels)} kernels>"


def _lucid_dtype(np_dtype: np.dtype) -> DType:
    for d in ALL_DTYPES:
        if d.name == np.dtype(np_dtype).name:
            return d
    raise DTypeError(f"arrayapi backend: unsupported dtype {np_dtype}")
