"""Matrix helpers for the linear-algebra VJPs, written for both interpreters.

Every function takes the interpreter ``k`` (:mod:`lucid.autograd.interpreters`) and
values that are raw backend arrays or Tensors, and only calls kernels by name, so the same
code serves plain ``backward()`` (native arrays) and ``create_graph=True`` (Tensors).
Constants (identities) are made from a value of the right shape, dtype and device with
``k.zeros_like`` and ``tril``/``triu``, never on the host.
"""

from __future__ import annotations


def mat(k, a, b):
    """``a @ b`` (matrix product over the last two axes, batch axes broadcast)."""
    return k.matmul(a, b)


def mT(k, x):  # noqa: N802 - the Tensor attribute's name
    """``x`` with its last two axes swapped."""
    n = len(x.shape)
    return k.permute(x, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def eye_like(k, square):
    """Identity matrices of ``square``'s shape ``(..., n, n)``, dtype and device."""
    ones = k.zeros_like(square) + 1
    return k.triu(k.tril(ones, k=0), k=0)


def row(k, v):
    """``(..., n) -> (..., 1, n)``: multiplying a matrix by it scales its columns."""
    shape = tuple(v.shape)
    return k.reshape(v, shape=shape[:-1] + (1, shape[-1]))


def col(k, v):
    """``(..., n) -> (..., n, 1)``: multiplying a matrix by it scales its rows."""
    return k.reshape(v, shape=tuple(v.shape) + (1,))


def diag_embed(k, v, eye):
    """``(..., n) -> (..., n, n)`` with ``v`` on the diagonal (``eye``: from
    :func:`eye_like`)."""
    return row(k, v) * eye


def diagonal(k, m, eye):
    """``(..., n, n) -> (..., n)``: the main diagonal."""
    return k.sum(m * eye, axis=(len(m.shape) - 1,), keepdims=False)


def safe_reciprocal(k, x):
    """``1 / x``, 0 where ``x == 0``."""
    zero = k.eq(x, 0)
    return k.where(zero, 0, k.div(1, k.where(zero, 1, x)))


def f_matrix(k, x):
    """``F_ij = 1 / (x_j - x_i)``, 0 where ``x_i == x_j`` (the diagonal included)."""
    return safe_reciprocal(k, row(k, x) - col(k, x))


def copyltu(k, m):
    """``tril(M) + tril(M, -1)^T``."""
    return k.tril(m, k=0) + mT(k, k.tril(m, k=-1))


def last_axis(x) -> int:
    return len(x.shape) - 1
