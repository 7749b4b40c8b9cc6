"""``parse_shape``: the sizes of named dims, as a dict to pass on as axis lengths.

``parse_shape(x, "b _ h w")`` on a ``(2, 3, 4, 5)`` tensor is ``{"b": 2, "h": 4, "w": 5}``:
``_`` skips a dim, ``...`` skips any number of them; composite ``(h w)`` dims cannot be
split from a shape alone and are refused. Typical use:
``rearrange(y, "b (h w) c -> b c h w", **parse_shape(x, "b _ h w"))``.
"""

from __future__ import annotations

from lucid.einops.pattern import parse_side
from lucid.errors import ShapeError

__all__ = ["parse_shape"]


def parse_shape(tensor, pattern: str) -> dict[str, int]:
    """``{axis: size}`` for every named dim of ``pattern`` (see module doc)."""
    side = parse_side("parse_shape", pattern)
    shape = tuple(tensor.shape)
    if side.ellipsis_in_parens or any(len(g) != 1 for g in side.groups):
        raise ValueError(f"parse_shape: composite or unit dims cannot be read from a shape: "
                         f"{pattern!r}")
    if side.anonymous:
        raise ValueError(f"parse_shape: numbers are not allowed in {pattern!r}")
    n_fixed = len(side.groups) - (side.ellipsis_group is not None)
    if (len(shape) != n_fixed if side.ellipsis_group is None else len(shape) < n_fixed):
        raise ShapeError(f"parse_shape: pattern {pattern!r} names {n_fixed} dims but the "
                         f"tensor has shape {shape}")
    groups = side.expand(len(shape) - n_fixed)
    return {g[0]: int(n) for g, n in zip(groups, shape)
            if g[0] != "_" and not g[0].startswith("...")}
