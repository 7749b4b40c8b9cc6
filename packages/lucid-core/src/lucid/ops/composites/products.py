"""``einsum`` written with ``getitem``, ``permute``, ``reshape``, ``mul`` and ``sum``.

The kernel receives canonical subscripts (explicit output, no ellipsis, one size per
letter; :mod:`lucid.ops.einsum`). Each operand's repeated letters are reduced to their
diagonal (an index of two equal ``arange`` tables), its dims are laid out along the
alphabet of all letters (size 1 where it lacks one), the operands are multiplied with
broadcasting, and the letters missing from the output are summed away:
``out[o] = sum_r prod_k op_k[s_k]``.
"""

from __future__ import annotations

import numpy as np

from lucid.ops.composites import composite, ops


def _diagonal(t, term: str):
    """``t`` with each repeated letter of ``term`` taken once (its diagonal)."""
    while len(set(term)) < len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first, second = [i for i, c in enumerate(term) if c == letter][:2]
        rest = [i for i in range(len(term)) if i not in (first, second)]
        t = ops.permute(t, axes=(first, second, *rest))
        ar = np.arange(t.shape[0])
        t = ops.getitem(t, index=(ar, ar))
        term = letter + "".join(term[i] for i in rest)
    return t, term


@composite("einsum")
def einsum(*operands, subscripts):
    terms, _, out = subscripts.partition("->")
    terms = terms.split(",")
    letters = sorted({c for term in terms for c in term})
    product = None
    for t, term in zip(operands, terms):
        t, term = _diagonal(t, term)
        order = sorted(range(len(term)), key=lambda i: letters.index(term[i]))
        t = ops.permute(t, axes=tuple(order)) if order else t
        present = {term[i]: t.shape[k] for k, i in enumerate(order)}
        shape = tuple(present.get(c, 1) for c in letters)
        t = ops.reshape(t, shape=shape)
        product = t if product is None else ops.mul(product, t)
    summed = tuple(i for i, c in enumerate(letters) if c not in out)
    if summed:
        product = ops.sum(product, axis=summed, keepdims=False)
    kept = [c for c in letters if c in out]
    return ops.permute(product, axes=tuple(kept.index(c) for c in out)) if out else product
