"""``lucid.random``: seeding and NumPy-style sampling functions.

``seed(s)`` restarts the random generator of every loaded backend, so the same seed gives
the same draws. The samplers here are thin NumPy-spelled front ends of
:mod:`lucid.ops.random_ops` (also exported at the top level, PyTorch-spelled:
``lucid.randn``, ``lucid.randint``, ...)::

    lucid.random.seed(0)
    x = lucid.random.randn(2, 3)             # N(0, 1), float32
    u = lucid.random.uniform(-1, 1, (4,))    # U[-1, 1)
    k = lucid.random.randint(0, 10, (5,))    # int64 in [0, 10)
    p = lucid.random.permutation(5)          # a shuffled arange(5)
"""

from __future__ import annotations

from lucid import backends

_last_seed: int | None = None


def seed(value: int) -> None:
    """Seed the random generator of every loaded backend (``lucid.random.seed(0)``)."""
    global _last_seed
    value = int(value)
    for backend in backends.available().values():
        backend.seed(value)
    _last_seed = value


def get_seed() -> int:
    """The seed last passed to :func:`seed` (the original Lucid's name). If none was, one
    is drawn from the OS, applied with :func:`seed` and returned, so the draws after this
    call can be replayed with ``seed(get_seed())``."""
    if _last_seed is None:
        import os

        seed(int.from_bytes(os.urandom(4), "little"))
    return _last_seed


manual_seed = seed


def _ops():
    from lucid.ops import random_ops

    return random_ops


def randn(*size, dtype=None, device="cpu", requires_grad=False):
    """Standard normal samples of shape ``size`` (``randn(2, 3)`` or ``randn((2, 3))``)."""
    return _ops().randn(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def rand(*size, dtype=None, device="cpu", requires_grad=False):
    """Uniform ``[0, 1)`` samples of shape ``size``."""
    return _ops().rand(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def randint(low, high=None, size=None, *, dtype=None, device="cpu"):
    """Integers uniform on ``[low, high)``; ``randint(n)`` draws from ``[0, n)``."""
    return _ops().randint(low, high, size, dtype=dtype, device=device)


def normal(loc=0.0, scale=1.0, size=None, *, dtype=None, device="cpu"):
    """Samples of ``N(loc, scale^2)`` of shape ``size``."""
    return _ops().normal(loc, scale, size, dtype=dtype, device=device)


def uniform(low=0.0, high=1.0, size=None, *, dtype=None, device="cpu"):
    """Samples of ``U[low, high)`` of shape ``size``."""
    return _ops().uniform(low, high, size, dtype=dtype, device=device)


def permutation(x, *, device="cpu"):
    """``permutation(n)``: a shuffled ``arange(n)`` (int64); ``permutation(tensor)``: a
    copy of the tensor with its first axis shuffled."""
    from lucid.tensor import Tensor

    if isinstance(x, Tensor):
        if x.ndim == 0:
            raise ValueError("permutation: cannot shuffle a 0-d tensor")
        return x[_ops().randperm(x.shape[0], device=x.device)]
    return _ops().randperm(int(x), device=device)


def bernoulli(p, size=None, *, dtype=None, device="cpu"):
    """0/1 samples, 1 with probability ``p`` (a number with ``size``, or a tensor)."""
    from lucid.tensor import Tensor

    if isinstance(p, Tensor):
        return _ops().bernoulli(p)
    from lucid.ops.creation import full

    return _ops().bernoulli(full(size or (), float(p), dtype=dtype or "float32",
                                 device=device))
