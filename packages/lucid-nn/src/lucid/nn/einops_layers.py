"""``Rearrange`` and ``Reduce``: :mod:`lucid.einops` operations as layers.

``nn.Sequential(nn.Conv2d(3, 64, 16, stride=16), Rearrange("b c h w -> b (h w) c"))`` turns
a patch embedding into a token sequence; ``Reduce("b c h w -> b c", "mean")`` is global
average pooling. The pattern is checked when the layer runs; the layers hold no parameters.
"""

from __future__ import annotations

from lucid import einops
from lucid.einops.pattern import split_arrow
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["Rearrange", "Reduce"]


class Rearrange(Module):
    """``y = einops.rearrange(x, pattern, **axes_lengths)`` (see :func:`lucid.einops.rearrange`)."""

    def __init__(self, pattern: str, **axes_lengths: int) -> None:
        super().__init__()
        split_arrow("Rearrange", pattern)
        self.pattern = pattern
        self.axes_lengths = dict(axes_lengths)

    def forward(self, input: Tensor) -> Tensor:
        return einops.rearrange(input, self.pattern, **self.axes_lengths)

    def extra_repr(self) -> str:
        return _repr(self.pattern, None, self.axes_lengths)


class Reduce(Module):
    """``y = einops.reduce(x, pattern, reduction, **axes_lengths)``: ``reduction`` is
    ``"sum"``, ``"mean"``, ``"max"``, ``"min"``, ``"prod"`` (see :func:`lucid.einops.reduce`)."""

    def __init__(self, pattern: str, reduction: str, **axes_lengths: int) -> None:
        super().__init__()
        split_arrow("Reduce", pattern)
        self.pattern = pattern
        self.reduction = reduction
        self.axes_lengths = dict(axes_lengths)

    def forward(self, input: Tensor) -> Tensor:
        return einops.reduce(input, self.pattern, self.reduction, **self.axes_lengths)

    def extra_repr(self) -> str:
        return _repr(self.pattern, self.reduction, self.axes_lengths)


def _repr(pattern: str, reduction, lengths: dict) -> str:
    parts = [repr(pattern)] + ([repr(reduction)] if reduction is not None else [])
    return ", ".join(parts + [f"{k}={v}" for k, v in lengths.items()])
