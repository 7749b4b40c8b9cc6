"""Entry point module (group ``lucid.backends``): the two hooks of lucid.hookspecs."""

from lucid import hookimpl
from toy_lucid_backend.backend import ToyBackend

BACKEND = ToyBackend()


@hookimpl
def lucid_backends():
    return [BACKEND]


@hookimpl
def lucid_default_devices():
    # Only a wish: Lucid's own defaults (cpu -> numpy, gpu -> mlx) come first.
    return {"gpu": "toy"}
