"""Lucid backend ``arrayapi``: any Python Array API standard library serves a device.

``lucid.backends.bind("gpu", "arrayapi", namespace="cupy")`` (or ``"cpu"`` with
``"array_api_strict"``, ``"jax"``, ``"torch"``, ``"numpy"``)."""

from lucid_backend_arrayapi.backend import ArrayAPIBackend

__all__ = ["ArrayAPIBackend"]
