"""Rearranging pixels: ``pixel_shuffle``, ``pixel_unshuffle``, ``channel_shuffle``."""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C r^2, H, W) -> (*, C, H r, W r)``:
    ``y[c, h r + i, w r + j] = x[c r^2 + i r + j, h, w]``."""
    r = int(upscale_factor)
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(f"pixel_shuffle: {c} channels (shape {input.shape}) are not "
                         f"divisible by upscale_factor^2 = {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """The inverse of :func:`pixel_shuffle`: ``(*, C, H r, W r) -> (*, C r^2, H, W)``."""
    r = int(downscale_factor)
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ShapeError(f"pixel_unshuffle: spatial size {(h, w)} (shape {input.shape}) is "
                         f"not divisible by downscale_factor {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``(N, g k, *) -> (N, k g, *)``: channel ``i k + j`` moves to ``j g + i``."""
    n, c = input.shape[:2]
    if c % groups:
        raise ShapeError(f"channel_shuffle: {c} channels are not divisible by groups={groups}")
    rest = input.shape[2:]
    x = input.reshape(n, groups, c // groups, *rest)
    return x.swapaxes(1, 2).reshape(n, c, *rest)
