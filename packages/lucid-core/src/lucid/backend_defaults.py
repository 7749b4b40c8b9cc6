"""Core's own answers to the query hooks, for backends whose plugin does not answer:
registered with the plugin manager like any plugin, and asked last (``trylast``).

Capabilities come from the :class:`~lucid.backend.Backend` object (the dtypes its
``native_dtype`` maps, its ``lazy`` flag); synchronising evaluates nothing (an eager
backend has nothing pending); memory figures are unknown (``None``).
"""

from __future__ import annotations

from lucid import dtypes
from lucid.hookspecs import hookimpl

_NO_FIGURES = {"total": None, "in_use": None, "peak": None}


def _backend(name: str):
    from lucid.backends import get

    return get(name)


@hookimpl(trylast=True)
def lucid_device_capabilities(backend_name: str, device_type: str) -> dict:
    backend = _backend(backend_name)
    names = []
    for dtype in dtypes.ALL_DTYPES:
        try:
            backend.native_dtype(dtype)
        except Exception:  # noqa: BLE001 - an unmapped dtype, whatever the library raises
            continue
        names.append(dtype.name)
    return {"dtypes": tuple(names), "lazy": bool(backend.lazy),
            "asynchronous": bool(backend.lazy)}


@hookimpl(trylast=True)
def lucid_synchronize(backend_name: str, device_type: str) -> bool:
    return True


@hookimpl(trylast=True)
def lucid_memory_info(backend_name: str, device_type: str) -> dict:
    return dict(_NO_FIGURES)
