"""Kernels of the product family: ``einsum`` (``matmul`` lives in ``basic.py``; dot,
tensordot, trace ... are compositions in core).

``einsum`` of two operands is lowered to one batched ``np.matmul`` (BLAS): letters in both
operands and the output are batch dims, letters in both but not the output are contracted,
the rest are free rows/columns; letters only one operand sums are summed first. More
operands are contracted pairwise in the order ``np.einsum_path`` (greedy) picks. Terms with
a repeated letter (diagonals) and single operands go to ``np.einsum`` itself.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


def _prod(shape) -> int:
    out = 1
    for n in shape:
        out *= n
    return out


def _pair(ta: str, a, tb: str, b, keep: str):
    """Contract ``a`` (letters ``ta``) with ``b`` (``tb``), keeping the letters of ``keep``
    that they carry; returns ``(term, array)``."""
    if len(set(ta)) != len(ta) or len(set(tb)) != len(tb):
        out = "".join(c for c in dict.fromkeys(ta + tb) if c in keep)
        return out, np.einsum(f"{ta},{tb}->{out}", a, b)
    lonely_a = tuple(i for i, c in enumerate(ta) if c not in tb and c not in keep)
    if lonely_a:
        a, ta = a.sum(axis=lonely_a), "".join(c for c in ta if c in tb or c in keep)
    lonely_b = tuple(i for i, c in enumerate(tb) if c not in ta and c not in keep)
    if lonely_b:
        b, tb = b.sum(axis=lonely_b), "".join(c for c in tb if c in ta or c in keep)
    batch = [c for c in ta if c in tb and c in keep]
    contract = [c for c in ta if c in tb and c not in keep]
    left = [c for c in ta if c not in tb]
    right = [c for c in tb if c not in ta]
    size = dict(zip(ta, a.shape)) | dict(zip(tb, b.shape))
    a = a.transpose([ta.index(c) for c in batch + left + contract])
    b = b.transpose([tb.index(c) for c in batch + contract + right])
    nb, nl, nk, nr = (_prod(size[c] for c in group) for group in (batch, left, contract, right))
    out = np.matmul(a.reshape(nb, nl, nk), b.reshape(nb, nk, nr))
    return "".join(batch + left + right), out.reshape([size[c] for c in batch + left + right])


@kernel("einsum")
def einsum(*arrays, subscripts):
    terms, out_term = subscripts.split("->")
    terms = terms.split(",")
    if len(arrays) == 1:
        out = np.einsum(subscripts, arrays[0])
        return out.copy() if not out.flags.owndata else out  # "ii->i" returns a view
    operands = list(zip(terms, arrays))
    if len(arrays) == 2:
        path = [(0, 1)]
    else:
        path = np.einsum_path(subscripts, *arrays, optimize="greedy")[0][1:]
    for step in path:
        picked = [operands[i] for i in step]
        for i in sorted(step, reverse=True):
            operands.pop(i)
        keep = out_term + "".join(t for t, _ in operands)
        if len(picked) == 2:
            operands.append(_pair(*picked[0], *picked[1], keep))
        else:  # numpy may schedule one operand, or several at once
            term = "".join(c for c in dict.fromkeys("".join(t for t, _ in picked))
                           if c in keep)
            spec = ",".join(t for t, _ in picked) + "->" + term
            operands.append((term, np.einsum(spec, *[x for _, x in picked])))
    term, result = operands[0]
    if term != out_term:
        result = np.einsum(f"{term}->{out_term}", result)
    return np.ascontiguousarray(result) if result.ndim else result
