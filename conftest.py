"""Repository-wide pytest setup: ``LUCID_BACKEND=<name>`` makes that backend serve ``cpu``,
so every test written against device ``cpu`` runs unchanged on a second backend."""

import os


def pytest_configure(config):
    name = os.environ.get("LUCID_BACKEND")
    if name:
        import lucid

        lucid.backends.bind("cpu", name)
