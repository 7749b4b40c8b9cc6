"""Products: ``matmul`` (the standard's) and ``einsum``.

``einsum`` is written with standard functions: each operand's axes are put in one common
order of all labels (``permute_dims``, size-1 axes for labels it lacks, repeated labels
take the diagonal), the operands are multiplied with broadcasting, and the labels missing
from the output are summed. Where the library has its own ``einsum`` (NumPy, JAX,
PyTorch, CuPy), that runs instead.
"""

from __future__ import annotations

import importlib

NATIVE = {"numpy": "numpy", "jax": "jax.numpy", "torch": "torch", "cupy": "cupy"}


def kernels(b) -> dict:
    xp = b.xp

    def matmul(x, y):
        return xp.matmul(x, y)

    native = None
    if b.library in NATIVE:
        native = getattr(importlib.import_module(NATIVE[b.library]), "einsum", None)

    def einsum(*arrays, subscripts):
        if native is not None:
            return native(subscripts, *arrays)
        return standard_einsum(xp, subscripts, arrays)

    return {"matmul": matmul, "einsum": einsum}


def standard_einsum(xp, subscripts: str, arrays):
    inputs, _, output = subscripts.replace(" ", "").partition("->")
    terms = inputs.split(",")
    labels = sorted(set("".join(terms)) - set(output))
    order = list(output) + labels
    product = None
    for term, a in zip(terms, arrays):
        a = _diagonal(xp, a, term)
        term = "".join(dict.fromkeys(term))
        a = xp.permute_dims(a, tuple(term.index(c) for c in order if c in term))
        shape = tuple(a.shape[[c for c in order if c in term].index(c)] if c in term else 1
                      for c in order)
        a = xp.reshape(a, shape)
        product = a if product is None else product * a
    if labels:
        product = xp.sum(product, axis=tuple(range(len(output), len(order))))
    return product


def _diagonal(xp, a, term: str):
    """``a`` with each repeated label of ``term`` reduced to its diagonal (kept at the
    label's first position)."""
    seen: dict[str, int] = {}
    for pos, c in enumerate(term):
        if c in seen:
            first = seen[c]
            n = a.shape[first]
            eye = xp.eye(n, dtype=xp.bool, device=getattr(a, "device", None))
            shape = [1] * a.ndim
            shape[first], shape[pos] = n, n
            mask = xp.reshape(eye, tuple(shape))
            a = xp.sum(xp.where(mask, a, xp.zeros_like(a)), axis=pos, keepdims=True)
        else:
            seen[c] = pos
    drop = tuple(pos for pos, c in enumerate(term) if term.index(c) != pos)
    return xp.squeeze(a, axis=drop) if drop else a
