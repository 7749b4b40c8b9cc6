"""Seedable randomness for samplers, splits and transforms: one NumPy ``Generator`` each."""

from __future__ import annotations

import numpy as np


def make_rng(generator=None) -> np.random.Generator:
    """``None`` -> fresh OS entropy; an int (or ``SeedSequence``) -> a generator seeded with it;
    a ``numpy.random.Generator`` -> itself (shared, so draws advance it)."""
    if generator is None:
        return np.random.default_rng()
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer, np.random.SeedSequence)) and \
            not isinstance(generator, bool):
        return np.random.default_rng(generator)
    raise TypeError(f"generator must be None, an int seed or a numpy.random.Generator, got "
                    f"{generator!r} of type {type(generator).__name__}")
