"""Fixtures of the NumPy backend's tests."""

import pytest

import lucid


@pytest.fixture(scope="module")
def numpy_serves_cpu():
    """Device ``cpu`` served by NumPy for the module's tests (whatever ``LUCID_BACKEND``
    says), the previous binding restored after them."""
    previous = lucid.backends.binding()["cpu"]
    lucid.backends.bind("cpu", "numpy")
    yield
    lucid.backends.bind("cpu", previous)
