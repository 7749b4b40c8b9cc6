"""DropBlock (Ghiasi et al., "DropBlock: A regularization method for convolutional
networks", NeurIPS 2018): dropout of contiguous ``block_size x block_size`` regions.

In training, block centres are sampled per sample and channel with probability ``gamma``,
each grown to a ``b x b`` square (``b = min(block_size, H, W)``), and the kept values are
rescaled by the fraction kept, ``count(M) / count_ones(M)``::

    gamma = p * H * W / (b^2 * (H - b + 1) * (W - b + 1))
    C ~ Bernoulli(gamma)                          (N, C, H, W)
    M = 1 - maxpool_{b x b, stride 1, same}(C)
    y = x * M * numel(M) / (sum(M) + eps)

``gamma`` makes the expected dropped fraction about ``p``. Centres may fall anywhere (a
block near the border is clipped), as in timm and the original Lucid. The original Lucid
rescaled by ``1 / (1 - p)`` instead of the kept fraction the paper uses.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.nn.functional.pooling import max_pool2d
from lucid.tensor import Tensor

__all__ = ["drop_block"]


def drop_block(input: Tensor, block_size: int, p: float = 0.1, eps: float = 1e-7,  # noqa: A002
               training: bool = True) -> Tensor:
    """Drop ``block_size``-square regions of ``(N, C, H, W)`` with rate ``p`` (see the
    module docstring); the identity when ``p == 0`` or not ``training``.

    >>> y = drop_block(lucid.ones(1, 1, 16, 16), block_size=3, p=0.2)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"drop_block: p must be in [0, 1], got {p}")
    if block_size < 1:
        raise ValueError(f"drop_block: block_size must be >= 1, got {block_size}")
    if input.ndim != 4:
        raise ShapeError(f"drop_block: expected a 4-D (N, C, H, W) input, got shape "
                         f"{input.shape}")
    if not training or p == 0.0:
        return input
    h, w = input.shape[2], input.shape[3]
    bh, bw = min(block_size, h), min(block_size, w)
    gamma = min(1.0, p * h * w / (bh * bw) / ((h - bh + 1) * (w - bw + 1)))
    with lucid.no_grad():
        centres = lucid.bernoulli(lucid.zeros(*input.shape, dtype=input.dtype,
                                              device=input.device), gamma)
        blocks = max_pool2d(centres, (bh, bw), stride=1, padding=(bh // 2, bw // 2))
        blocks = blocks[:, :, (bh + 1) % 2:, (bw + 1) % 2:]  # even sizes pad one extra
        keep = 1.0 - blocks
        keep = keep * (keep.numel() / (keep.sum() + eps))
    return input * keep
