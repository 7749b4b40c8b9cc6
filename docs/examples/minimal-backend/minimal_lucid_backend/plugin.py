"""The hook Lucid calls at discovery (entry point group ``lucid.backends``)."""

from lucid.hookspecs import hookimpl
from minimal_lucid_backend.backend import BACKEND


@hookimpl
def lucid_backends():
    return [BACKEND]
