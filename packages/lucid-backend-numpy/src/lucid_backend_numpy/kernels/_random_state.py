"""The NumPy backend's random generator, shared by every kernel that samples."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def generator() -> np.random.Generator:
    """The current generator (replaced by :func:`seed`)."""
    return _generator


def seed(value: int) -> None:
    """Start a new generator from ``value``: same seed, same draws."""
    global _generator
    _generator = np.random.default_rng(value)
