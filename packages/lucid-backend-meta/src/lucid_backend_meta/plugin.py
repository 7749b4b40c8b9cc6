"""The entry point Lucid loads (group ``lucid.backends``): hook implementations."""

from lucid.hookspecs import hookimpl
from lucid_backend_meta.backend import BACKEND


@hookimpl
def lucid_backends():
    return [BACKEND]


@hookimpl
def lucid_default_devices():
    return {"meta": "meta"}
