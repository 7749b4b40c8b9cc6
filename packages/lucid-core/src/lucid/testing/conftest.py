"""Binds the backend under test (``LUCID_BACKEND``, default: the one serving cpu) to cpu."""

import os

import lucid


def pytest_configure(config):
    name = os.environ.get("LUCID_BACKEND")
    if name:
        lucid.backends.bind("cpu", name)
