"""``Flatten`` and ``Unflatten``: reshape a range of dims into one, and back."""

from __future__ import annotations

import lucid
from lucid.nn.module import Module
from lucid.spellings import original_keywords
from lucid.tensor import Tensor

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dims ``start_dim..end_dim`` (default ``1..-1``) into one:
    ``(N, C, H, W) -> (N, C*H*W)``."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1, **aliases) -> None:
        super().__init__()
        if aliases:  # the original Lucid's Flatten(start_axis=1, end_axis=-1)
            kw = original_keywords("Flatten", aliases,
                                   {"start_axis": "start_dim", "end_axis": "end_dim"},
                                   start_dim=None if start_dim == 1 else start_dim,
                                   end_dim=None if end_dim == -1 else end_dim)
            start_dim = 1 if kw["start_dim"] is None else kw["start_dim"]
            end_dim = -1 if kw["end_dim"] is None else kw["end_dim"]
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return lucid.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``: ``Unflatten(1, (2, 5))`` maps
    ``(N, 10) -> (N, 2, 5)``."""

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        return lucid.unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
