"""``DropBlock``: the layer form of :func:`lucid.nn.functional.drop_block`."""

from __future__ import annotations

from lucid.nn.functional.drop_block import drop_block
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["DropBlock"]


class DropBlock(Module):
    """Drop ``block_size``-square regions with rate ``p`` in training; identity in eval.

    ``y = x * M * numel(M) / (sum(M) + eps)`` with ``M`` the kept-region mask (see
    :func:`lucid.nn.functional.drop_block`). Arguments as the original Lucid:
    ``DropBlock(block_size, p=0.1, eps=1e-7)``.
    """

    def __init__(self, block_size: int, p: float = 0.1, eps: float = 1e-7) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"DropBlock: p must be in [0, 1], got {p}")
        if block_size < 1:
            raise ValueError(f"DropBlock: block_size must be >= 1, got {block_size}")
        self.block_size, self.p, self.eps = block_size, p, eps

    def forward(self, input: Tensor) -> Tensor:
        return drop_block(input, self.block_size, self.p, self.eps, self.training)

    def extra_repr(self) -> str:
        return f"block_size={self.block_size}, p={self.p}"
