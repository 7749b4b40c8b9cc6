"""``pack`` and ``unpack``: concatenate tensors of different ranks along one merged axis.

The pattern names the shared axes and holds exactly one ``*``: ``pack([a, b], "b * c")``
flattens, in each tensor, the dims that ``*`` covers (any number, possibly none) into one,
and concatenates along it. It returns the packed tensor and the *packed shapes* ``ps`` (the
dims each ``*`` covered), which :func:`unpack` uses to split and reshape back::

    packed, ps = pack([cls_token, patches], "b * d")   # (b, d), (b, n, d) -> (b, 1 + n, d)
    cls_token, patches = unpack(packed, ps, "b * d")

Built on ``reshape``, ``concatenate`` and slicing, so both are differentiable.
"""

from __future__ import annotations

import lucid
from lucid.einops.pattern import product
from lucid.errors import ShapeError
from lucid.tensor import Tensor

__all__ = ["pack", "unpack"]


def _parse(op: str, pattern: str) -> tuple[int, int]:
    """(number of named dims before ``*``, after ``*``)."""
    if not isinstance(pattern, str):
        raise TypeError(f"{op}: pattern must be a string, got {type(pattern).__name__}")
    names = pattern.split()
    if names.count("*") != 1:
        raise ValueError(f"{op}: pattern must contain exactly one '*', got {pattern!r}")
    for name in names:
        if name != "*" and not name.isidentifier():
            raise ValueError(f"{op}: only axis names and one '*' are allowed, got {name!r} in "
                             f"{pattern!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"{op}: an axis appears twice in {pattern!r}")
    star = names.index("*")
    return star, len(names) - star - 1


def pack(tensors, pattern: str) -> tuple[Tensor, list[tuple[int, ...]]]:
    """Pack ``tensors`` into one along the ``*`` axis; returns ``(packed, packed_shapes)``."""
    before, after = _parse("pack", pattern)
    tensors = list(tensors)
    if not tensors:
        raise ValueError("pack: got no tensors")
    pieces, shapes = [], []
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"pack: tensor {i} is a {type(t).__name__}, expected a Tensor")
        shape = tuple(t.shape)
        if len(shape) < before + after:
            raise ShapeError(f"pack: tensor {i} of shape {shape} has fewer dims than the "
                             f"{before + after} named in {pattern!r}")
        covered = shape[before:len(shape) - after]
        shapes.append(covered)
        merged = shape[:before] + (product(covered),) + shape[len(shape) - after:]
        pieces.append(t.reshape(merged) if merged != shape else t)
    packed = pieces[0] if len(pieces) == 1 else lucid.concatenate(pieces, axis=before)
    return packed, shapes


def unpack(tensor: Tensor, packed_shapes, pattern: str) -> list[Tensor]:
    """Split ``tensor`` along the ``*`` axis into pieces of ``packed_shapes`` (one entry may
    contain a ``-1``, inferred from the axis length); the inverse of :func:`pack`."""
    before, after = _parse("unpack", pattern)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"unpack: expected a Tensor, got {type(tensor).__name__}")
    shape = tuple(tensor.shape)
    if len(shape) != before + after + 1:
        raise ShapeError(f"unpack: pattern {pattern!r} names {before + after + 1} dims but the "
                         f"tensor has shape {shape}")
    total = shape[before]
    shapes = [tuple(int(n) for n in s) for s in packed_shapes]
    sizes = [product(s) if -1 not in s else None for s in shapes]
    unknown = [i for i, n in enumerate(sizes) if n is None]
    if len(unknown) > 1 or any(s.count(-1) > 1 for s in shapes):
        raise ValueError(f"unpack: at most one -1 is allowed in packed_shapes {packed_shapes}")
    if unknown:
        i = unknown[0]
        rest = total - sum(n for n in sizes if n is not None)
        known = product(n for n in shapes[i] if n != -1)
        if rest < 0 or known == 0 or rest % known:
            raise ShapeError(f"unpack: cannot infer -1 in {shapes[i]}: axis of length {total}, "
                             f"packed_shapes {packed_shapes}")
        shapes[i] = tuple(rest // known if n == -1 else n for n in shapes[i])
        sizes[i] = rest
    if sum(sizes) != total:
        raise ShapeError(f"unpack: packed_shapes {packed_shapes} hold {sum(sizes)} elements "
                         f"along the '*' axis but the tensor (shape {shape}) has {total}")
    out, start = [], 0
    lead, trail = shape[:before], shape[before + 1:]
    for covered, n in zip(shapes, sizes):
        index = (slice(None),) * before + (slice(start, start + n),)
        piece = tensor[index] if n != total else tensor
        out.append(piece.reshape(lead + covered + trail))
        start += n
    return out
