"""``einsum``: Einstein summation over any number of operands.

``einsum("ij,jk->ik", a, b)`` multiplies the operands elementwise along letters they share
and sums over every letter missing from the output: ``out[o] = sum_{r} prod_k op_k[s_k]``.

The public function rewrites the subscripts into a canonical form that every kernel
receives: no spaces, explicit output, ellipses replaced by letters, operands broadcast
along their ellipsis dims (so one letter always has one size). Both spellings of the
operands work: ``einsum(eq, a, b)`` and PyTorch's ``einsum(eq, [a, b])``. Without ``->``
the output is the ellipsis dims followed by the letters that occur once, sorted.

VJP: the gradient of operand ``k`` is itself an einsum of the other operands and the output
gradient, with output subscripts ``s_k``. Letters of ``s_k`` that no other term carries
are left out of that einsum and broadcast afterwards (the operand's gradient is constant
along them); a repeated letter (a diagonal such as ``"ii->i"``) is computed once and placed
on the diagonal by ``getitem_grad`` (an index of ``arange`` arrays).
"""

from __future__ import annotations

import string

import numpy as np

from lucid.dtypes import result_type
from lucid.errors import ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["einsum"]

_LETTERS = string.ascii_letters


def _split(subscripts: str):
    terms, _, out = subscripts.partition("->")
    return terms.split(","), out


def _sizes(op: str, terms, shapes) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        if len(term) != len(shape):
            raise ShapeError(f"{op}: subscripts {term!r} name {len(term)} dims but the "
                             f"operand has shape {shape}")
        for letter, n in zip(term, shape):
            if sizes.setdefault(letter, n) != n:
                raise ShapeError(f"{op}: letter {letter!r} has size {sizes[letter]} in one "
                                 f"operand and {n} in another (shapes {list(shapes)})")
    return sizes


@register
class Einsum(Op):
    """``out = einsum(subscripts, *operands)`` (canonical subscripts, see module doc);
    ``d op_k = einsum(others..., d out -> s_k)``."""

    name = "einsum"

    def check(self, *operands, subscripts):
        terms, out = _split(subscripts)
        if len(terms) != len(operands):
            raise ShapeError(f"einsum: {subscripts!r} has {len(terms)} operand terms, "
                             f"got {len(operands)} operands")
        sizes = _sizes("einsum", terms, [t.shape for t in operands])
        if len(set(out)) != len(out) or any(c not in sizes for c in out):
            raise ShapeError(f"einsum: invalid output subscripts {out!r} in {subscripts!r}")

    # save_inputs stays None: the gradient of each operand reads all the others, and the
    # number of operands varies.

    def vjp(self, k, node, g):
        terms, out = _split(node.params["subscripts"])
        operands = k.inputs(node)
        sizes = _sizes("einsum", terms, node.in_shapes)
        grads = []
        for i, target in enumerate(terms):
            if not node.needs_grad[i]:
                grads.append(None)
                continue
            subs = [t for j, t in enumerate(terms) if j != i] + [out]
            ops = [t for j, t in enumerate(operands) if j != i] + [g]
            grads.append(_operand_grad(k, subs, ops, target, sizes))
        return tuple(grads)


def _operand_grad(k, subs, ops, target: str, sizes):
    """``einsum(ops -> target)`` (the gradient of the operand with subscripts ``target``):
    letters of ``target`` that no term of ``subs`` carries are broadcast afterwards, a
    repeated letter (a diagonal) is placed by ``getitem_grad`` on the diagonal."""
    present = set("".join(subs))
    letters = "".join(dict.fromkeys(target))  # unique, in order
    kept = "".join(c for c in letters if c in present)
    spec = ",".join(subs) + "->" + kept
    d = ops[0] if len(ops) == 1 and subs[0] == kept else k.einsum(*ops, subscripts=spec)
    if kept != letters:  # summed in this operand only: constant along those letters
        shape = tuple(sizes[c] for c in letters)
        d = k.reshape(d, shape=tuple(sizes[c] if c in present else 1 for c in letters))
        d = k.broadcast_to(d, shape=shape)
    if letters == target:
        return d
    index = tuple(_arange_along(sizes[c], letters.index(c), len(letters)) for c in target)
    return k.getitem_grad(d, index=index, shape=tuple(sizes[c] for c in target))


def _arange_along(n: int, axis: int, ndim: int):
    """``arange(n)`` shaped to lie along ``axis`` of ``ndim`` broadcast dims (an index)."""
    return np.arange(n, dtype=np.int64).reshape([n if a == axis else 1 for a in range(ndim)])


def _expand_ellipses(terms, out, operands, explicit: bool):
    """Replace ``...`` by letters and broadcast the operands' ellipsis dims."""
    used = set("".join(terms) + out) - {"."}
    free = [c for c in _LETTERS if c not in used]
    counts, batch = [], []
    for term, t in zip(terms, operands):
        if "..." in term:
            n = t.ndim - (len(term) - 3)
            if n < 0:
                raise ShapeError(f"einsum: subscripts {term!r} name more dims than the "
                                 f"operand's shape {t.shape}")
            start = term.index("...")
            counts.append(n)
            batch.append(t.shape[start:start + n])
        else:
            counts.append(0)
    width = max(counts, default=0)
    if width > len(free):
        raise ShapeError(f"einsum: too many dims ({width}) under the ellipsis")
    letters = "".join(free[:width])
    from lucid.ops.arithmetic import broadcast_shapes

    full = broadcast_shapes("einsum", *batch) if batch else ()
    new_terms, new_ops = [], []
    for term, t, n in zip(terms, operands, counts):
        if "..." in term:
            start = term.index("...")
            term = term.replace("...", letters[width - n:])
            target = t.shape[:start] + full[len(full) - n:] + t.shape[start + n:]
            if target != t.shape:
                t = t.broadcast_to(target)
        new_terms.append(term)
        new_ops.append(t)
    if not explicit:
        once = sorted(c for c in set("".join(terms)) - {"."}
                      if "".join(terms).count(c) == 1)
        out = letters + "".join(once)
    elif "..." in out:
        out = out.replace("...", letters)
    return new_terms, out, new_ops


def einsum(subscripts: str, *operands) -> Tensor:
    """Einstein summation: ``einsum("bij,bjk->bik", a, b)`` is a batched matmul,
    ``einsum("ii", a)`` the trace, ``einsum("...ij->...ji", a)`` a transpose.

    Operands are promoted to one dtype (PyTorch rules). Letters are case-sensitive
    (``a-z``, ``A-Z``); an ellipsis stands for broadcast leading/middle dims.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    if not operands or not all(isinstance(t, Tensor) for t in operands):
        raise TypeError("einsum: operands must be one or more tensors")
    spec = subscripts.replace(" ", "")
    explicit = "->" in spec
    terms, out = _split(spec)
    if len(terms) != len(operands):
        raise ShapeError(f"einsum: {subscripts!r} has {len(terms)} operand terms, got "
                         f"{len(operands)} operands")
    for term in terms + [out]:
        bad = term.replace("...", "")
        if any(c not in _LETTERS for c in bad) or term.count("...") > 1:
            raise ValueError(f"einsum: invalid subscripts {term!r} in {subscripts!r}")
    dtype = result_type(*operands)
    operands = [t if t.dtype == dtype else t.astype(dtype) for t in operands]
    terms, out, operands = _expand_ellipses(terms, out, operands, explicit)
    letters = set("".join(terms))
    for c in out:
        if c not in letters:
            raise ShapeError(f"einsum: output letter {c!r} of {subscripts!r} is in no "
                             "operand")
    if len(set(out)) != len(out):
        raise ShapeError(f"einsum: output subscripts of {subscripts!r} repeat a letter")
    return apply("einsum", *operands, subscripts=",".join(terms) + "->" + out)
