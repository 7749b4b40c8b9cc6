"""The entry point Lucid loads (group ``lucid.backends``): hook implementations."""

from lucid.hookspecs import hookimpl
from lucid_backend_arrayapi.backend import ArrayAPIBackend

BACKEND = ArrayAPIBackend()


@hookimpl
def lucid_backends():
    return [BACKEND]
