"""``lucid.random``: seeding every backend's generator (sampling functions live in
``lucid.ops.random_ops``)."""

from __future__ import annotations

from lucid import backends


def seed(value: int) -> None:
    """Seed the random generator of every loaded backend (``lucid.random.seed(0)``)."""
    for backend in backends.available().values():
        backend.seed(int(value))


manual_seed = seed
