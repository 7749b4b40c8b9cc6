"""Bind the backend named by ``LUCID_BACKEND`` (``nox -s tests`` sets it) to device ``cpu``,
so these tests run unchanged with NumPy or MLX serving ``cpu``."""

import os

import lucid


def pytest_configure(config):
    name = os.environ.get("LUCID_BACKEND")
    if name:
        lucid.backends.bind("cpu", name)
