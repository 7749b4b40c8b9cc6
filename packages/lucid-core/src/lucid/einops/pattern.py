"""Parsing einops patterns: one side of ``"b (h w) c -> b h w c"`` into axis groups.

The pattern language (the ``einops`` package's, parsed here from scratch):

- an **axis** is an identifier (``b``, ``h2``, ``head``), not starting or ending with ``_``;
  a name appears at most once per side (``_`` alone skips a dim in ``parse_shape``);
- ``(h w)`` is a **composite** dim: one tensor dim that is the row-major product of ``h``, ``w``;
  ``()`` is a composite of nothing, a dim of size 1;
- a **number** is an anonymous axis of that size: ``1`` is a unit dim (like ``()``), larger
  numbers are new axes that only :func:`~lucid.einops.repeat` can create;
- ``...`` stands for every dim the other names leave over (zero or more); inside
  parentheses, ``(...)`` merges them into one dim (only where the dims are already known).

A parsed side is a list of groups; each group is a list of axis names and makes one tensor
dim. The ellipsis is expanded into names ``...0``, ``...1``, ... once the input's rank is known
(:meth:`Side.expand`). Anonymous numbers get unique names ``3#k`` with a known size.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field

ELLIPSIS = "..."
_TOKEN = re.compile(r"\s*(\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S)")


@dataclass
class Side:
    """One side of a pattern: ``groups`` (each a list of axis names, one tensor dim each),
    where the ellipsis sits (``ellipsis_group``: index of its group or ``None``;
    ``ellipsis_in_parens``), and the sizes of anonymous numeric axes."""

    text: str
    groups: list[list[str]] = field(default_factory=list)
    ellipsis_group: int | None = None
    ellipsis_in_parens: bool = False
    anonymous: dict[str, int] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Every axis name, left to right (the ellipsis as one ``...`` entry)."""
        return [name for group in self.groups for name in group]

    def expand(self, n_ellipsis: int) -> list[list[str]]:
        """The groups with the ellipsis replaced by ``n_ellipsis`` axes ``...0``, ``...1``..."""
        if self.ellipsis_group is None:
            return [list(g) for g in self.groups]
        dots = [f"{ELLIPSIS}{i}" for i in range(n_ellipsis)]
        out = []
        for i, group in enumerate(self.groups):
            if i != self.ellipsis_group:
                out.append(list(group))
            elif self.ellipsis_in_parens:
                out.append([d for name in group for d in (dots if name == ELLIPSIS else [name])])
            else:
                out.extend([d] for d in dots)
        return out


def parse_side(op: str, text: str) -> Side:
    """Parse one side of a pattern (``"b (h w) ... c"``); ``op`` names the caller in errors."""
    side = Side(text)
    current: list[str] | None = None  # the open parenthesised group, if any
    seen: set[str] = set()
    position = 0
    for token in _TOKEN.findall(text):
        position += 1
        if token == "(":
            if current is not None:
                raise ValueError(f"{op}: nested parentheses in {text!r}")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"{op}: unmatched ')' in {text!r}")
            side.groups.append(current)
            current = None
        elif token == ELLIPSIS:
            if side.ellipsis_group is not None:
                raise ValueError(f"{op}: more than one '...' in {text!r}")
            side.ellipsis_in_parens = current is not None
            side.ellipsis_group = len(side.groups)
            (current if current is not None else _new_group(side)).append(ELLIPSIS)
        elif token.isdigit():
            size = int(token)
            if size == 0:
                raise ValueError(f"{op}: an axis of size 0 in {text!r}")
            if size == 1:  # a unit dim, like "()"
                if current is None:
                    side.groups.append([])
                continue
            name = f"{size}#{position}"
            side.anonymous[name] = size
            (current if current is not None else _new_group(side)).append(name)
        elif token[0].isalpha() or token[0] == "_":
            if token != "_" and (token[0] == "_" or token[-1] == "_"):
                raise ValueError(f"{op}: axis name {token!r} must not start or end with an "
                                 f"underscore (in {text!r})")
            if token == "_" and op != "parse_shape":
                raise ValueError(f"{op}: '_' (skip a dim) is only allowed in parse_shape, "
                                 f"got {text!r}")
            if token in seen and token != "_":
                raise ValueError(f"{op}: axis {token!r} appears twice in {text!r}")
            seen.add(token)
            (current if current is not None else _new_group(side)).append(token)
        else:
            raise ValueError(f"{op}: unexpected character {token!r} in pattern side {text!r}")
    if current is not None:
        raise ValueError(f"{op}: unclosed '(' in {text!r}")
    return side


def _new_group(side: Side) -> list[str]:
    group: list[str] = []
    side.groups.append(group)
    return group


def split_arrow(op: str, pattern: str) -> tuple[str, str]:
    """``"left -> right"`` into its two sides; exactly one arrow is required."""
    if not isinstance(pattern, str):
        raise TypeError(f"{op}: pattern must be a string, got {type(pattern).__name__}")
    if pattern.count("->") != 1:
        raise ValueError(f"{op}: pattern must contain exactly one '->', got {pattern!r}")
    left, right = pattern.split("->")
    return left, right


def check_lengths(op: str, lengths: dict) -> dict[str, int]:
    """The ``axis=size`` keywords as ints, refusing non-identifiers and non-positive sizes."""
    out = {}
    for name, size in lengths.items():
        if not name.isidentifier():
            raise ValueError(f"{op}: {name!r} is not a valid axis name")
        try:
            value = operator.index(size)
        except TypeError:
            value = 0
        if isinstance(size, bool) or value <= 0:
            raise ValueError(f"{op}: axis {name}={size!r} must be a positive integer")
        out[name] = value
    return out


def product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out
