"""The MLX backend's random state: an explicit PRNG key for every draw.

Each draw gets its own MLX key (two ``uint32`` words, the format of ``mx.random.key``),
taken from a small host-side counter stream seeded by ``lucid.random.seed(n)``. So the
``k``-th draw after a seed always uses the same key, whatever else in the process uses
MLX's global generator, and no lazy chain of ``mx.random.split`` calls builds up in a
training loop that never evaluates the key. The samples themselves are drawn by MLX
(``mx.random.normal(..., key=key)``).
"""

from __future__ import annotations

import mlx.core as mx
import numpy as np

from lucid_backend_mlx.kernels._trace_state import TRACE

_words = np.random.default_rng(0)


def seed(value: int) -> None:
    """Restart the key sequence from ``value`` (also seeds MLX's global generator)."""
    global _words
    _words = np.random.default_rng(value)
    mx.random.seed(value)


def next_key() -> mx.array:
    """A fresh key for one draw; the state moves on. While ``lucid.compile`` traces, the
    key is split off the traced input key instead (a new one at every replay)."""
    if TRACE.active:
        pair = mx.random.split(TRACE.key)
        TRACE.key = pair[0]
        return pair[1]
    return mx.array(_words.integers(0, 2**32, size=2, dtype=np.uint32))
