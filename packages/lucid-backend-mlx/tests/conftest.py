"""Fixtures of the MLX backend tests: bind a backend to ``cpu`` for one test and restore
whatever served ``cpu`` before (so the tests run the same under ``LUCID_BACKEND=numpy``
and ``LUCID_BACKEND=mlx``)."""

from __future__ import annotations

import contextlib

import pytest

import lucid


@contextlib.contextmanager
def cpu_served_by(name: str):
    """Make ``name`` serve device ``cpu`` inside the block; restore the old binding."""
    before = lucid.backends.binding().get("cpu")
    lucid.backends.bind("cpu", name)
    try:
        yield lucid.backends.for_device(lucid.device("cpu"))
    finally:
        if before is None:
            lucid.backends.unbind("cpu")
        else:
            lucid.backends.bind("cpu", before)


@pytest.fixture
def mlx_cpu():
    """MLX serves ``cpu`` for the test; yields its backend view."""
    with cpu_served_by("mlx") as backend:
        yield backend


@pytest.fixture
def numpy_cpu():
    """NumPy serves ``cpu`` for the test."""
    with cpu_served_by("numpy") as backend:
        yield backend


@pytest.fixture
def switch_cpu():
    """``switch_cpu(name)``: rebind ``cpu`` inside a test; the old binding is restored."""
    before = lucid.backends.binding().get("cpu")
    yield lambda name: lucid.backends.bind("cpu", name)
    if before is None:
        lucid.backends.unbind("cpu")
    else:
        lucid.backends.bind("cpu", before)
