"""``einsum`` with einops' spelling: tensors first, then a pattern of multi-letter axis names.

``einsum(q, k, "b h i d, b h j d -> b h i j")`` is
``out[b,h,i,j] = sum_d q[b,h,i,d] * k[b,h,j,d]``: each name becomes one letter of
:func:`lucid.einsum`'s subscripts (``...`` passes through), so the gradient is
``lucid.einsum``'s own (an einsum of the other operands and the output gradient).
The output side is required, as in einops.

The original Lucid's spelling, pattern first with one letter per axis
(``lucid.einops.einsum("ij,jk->ik", a, b)``, NumPy's and PyTorch's), keeps working: a
pattern given first goes to :func:`lucid.einsum` as it is.
"""

from __future__ import annotations

import string

import lucid
from lucid.einops.pattern import ELLIPSIS, split_arrow
from lucid.tensor import Tensor

__all__ = ["einsum"]


def _letters(op: str, side: str, mapping: dict[str, str]) -> str:
    out = []
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == ELLIPSIS:
            out.append(ELLIPSIS)
        elif token in "()":
            raise ValueError(f"{op}: parentheses are not allowed in an einsum pattern")
        elif token.isidentifier():
            if token not in mapping:
                if len(mapping) == len(string.ascii_letters):
                    raise ValueError(f"{op}: more than {len(mapping)} distinct axis names")
                mapping[token] = string.ascii_letters[len(mapping)]
            out.append(mapping[token])
        else:
            raise ValueError(f"{op}: {token!r} is not an axis name")
    return "".join(out)


def einsum(*tensors_and_pattern) -> Tensor:
    """``einsum(*tensors, pattern)``: Einstein summation with named axes (see module doc);
    ``einsum(subscripts, *tensors)``, the original Lucid's order, is NumPy-style einsum."""
    if tensors_and_pattern and isinstance(tensors_and_pattern[0], str):
        return lucid.einsum(*tensors_and_pattern)
    if not tensors_and_pattern or not isinstance(tensors_and_pattern[-1], str):
        raise TypeError("einsum: call as einsum(tensor1, tensor2, ..., pattern) with the "
                        "pattern string last (or einsum('ij,jk->ik', a, b), pattern first)")
    *tensors, pattern = tensors_and_pattern
    if not tensors:
        raise ValueError("einsum: no tensors given")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum: operand {i} is a {type(t).__name__}, expected a Tensor")
    left, right = split_arrow("einsum", pattern)
    mapping: dict[str, str] = {}
    terms = left.split(",")
    if len(terms) != len(tensors):
        raise ValueError(f"einsum: pattern {pattern!r} has {len(terms)} inputs but "
                         f"{len(tensors)} tensors were given")
    subs = ",".join(_letters("einsum", term, mapping) for term in terms)
    out = _letters("einsum", right, mapping)
    unknown = set(out) - set(subs.replace(",", ""))
    if unknown:
        names = [n for n, c in mapping.items() if c in unknown]
        raise ValueError(f"einsum: output axes {names} are not in any input of {pattern!r}")
    return lucid.einsum(f"{subs}->{out}", *tensors)
