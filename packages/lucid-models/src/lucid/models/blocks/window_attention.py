"""Shifted-window self-attention (Liu et al., "Swin Transformer", ICCV 2021).

:func:`window_partition` cuts a channels-last map ``(N, H, W, C)`` into non-overlapping
``Wh x Ww`` windows ``(N, nW, Wh Ww, C)``; :func:`window_reverse` puts them back.
:func:`shifted_window_mask` is the additive mask of a cyclically shifted map: tokens of one
window that came from different regions of the unshifted map get ``-100`` (no attention).
:func:`windowed_attention` runs an attention module window by window::

    x = roll(pad(x), -shift)          pad to multiples of the window
    y = crop(roll(window_reverse(attn(window_partition(x), mask)), +shift))

:class:`WindowAttention` (Swin V1) is multi-head attention inside a window with a learnt
relative position bias ``B[index]`` (table ``((2Wh-1)(2Ww-1), heads)``)::

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d) + B + mask) V

computed by :func:`lucid.nn.functional.scaled_dot_product_attention` with ``B + mask`` as
its float mask. Names follow timm (``relative_position_bias_table``, ``qkv``, ``proj``).
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models.blocks.relative_position import relative_position_index
from lucid.nn import functional as F

__all__ = ["window_partition", "window_reverse", "shifted_window_mask", "windowed_attention",
           "WindowAttention"]


def window_partition(x, wh: int, ww: int):
    n, h, w, c = x.shape
    x = x.reshape(n, h // wh, wh, w // ww, ww, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(n, (h // wh) * (w // ww), wh * ww, c)


def window_reverse(windows, wh: int, ww: int, h: int, w: int):
    n, c = windows.shape[0], windows.shape[-1]
    x = windows.reshape(n, h // wh, w // ww, wh, ww, c).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(n, h, w, c)


def shifted_window_mask(h: int, w: int, wh: int, ww: int, sh: int, sw: int) -> np.ndarray:
    """``(nW, Wh Ww, Wh Ww)`` float mask: 0 within a region, -100 across regions."""
    region = np.zeros((h, w), dtype=np.int64)
    count = 0
    for ys in (slice(0, -wh), slice(-wh, -sh), slice(-sh, None)):
        for xs in (slice(0, -ww), slice(-ww, -sw), slice(-sw, None)):
            region[ys, xs] = count
            count += 1
    windows = region.reshape(h // wh, wh, w // ww, ww).transpose(0, 2, 1, 3)
    windows = windows.reshape(-1, wh * ww)
    diff = windows[:, :, None] != windows[:, None, :]
    return np.where(diff, -100.0, 0.0).astype(np.float32)


def windowed_attention(x, attn, window: tuple[int, int], shift: tuple[int, int],
                       shift_first: bool = False):
    """Apply ``attn(windows, mask)`` over the (shifted) windows of ``x`` ``(N, H, W, C)``.

    A map that is not a multiple of the window is zero-padded at the bottom/right; the
    shift comes before the padding with ``shift_first=True`` (timm's Swin V1) and after it
    otherwise (the paper's code, timm's Swin V2). The two agree when no padding is needed.
    """
    n, h, w, c = x.shape
    wh, ww = window
    ph, pw = (-h) % wh, (-w) % ww
    hp, wp = h + ph, w + pw
    shifted = any(shift)
    if shifted and shift_first:
        x = lucid.roll(x, shifts=(-shift[0], -shift[1]), dims=(1, 2))
    if ph or pw:
        x = F.pad(x, (0, 0, 0, pw, 0, ph))
    if shifted and not shift_first:
        x = lucid.roll(x, shifts=(-shift[0], -shift[1]), dims=(1, 2))
    mask = lucid.tensor(shifted_window_mask(hp, wp, wh, ww, *shift),
                        device=x.device) if shifted else None
    y = window_reverse(attn(window_partition(x, wh, ww), mask), wh, ww, hp, wp)
    if shifted and not shift_first:
        y = lucid.roll(y, shifts=shift, dims=(1, 2))
    if ph or pw:
        y = y[:, :h, :w, :]
    if shifted and shift_first:
        y = lucid.roll(y, shifts=shift, dims=(1, 2))
    return y


class WindowAttention(nn.Module):
    """Swin V1 window attention on ``(N, nW, Wh Ww, C)`` windows; ``mask`` ``(nW, L, L)``
    or None."""

    def __init__(self, dim: int, num_heads: int, window: tuple[int, int], qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0) -> None:
        super().__init__()
        wh, ww = window
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.relative_position_bias_table = nn.Parameter(
            lucid.zeros((2 * wh - 1) * (2 * ww - 1), num_heads))
        self._index = relative_position_index(wh, ww).reshape(-1)
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def position_bias(self):
        """``(heads, L, L)``."""
        length = int(np.sqrt(self._index.shape[0]))
        bias = self.relative_position_bias_table[self._index]
        return bias.reshape(length, length, -1).permute(2, 0, 1)

    def forward(self, x, mask=None):
        n, nw, length, c = x.shape
        heads = self.num_heads
        qkv = self.qkv(x).reshape(n, nw, length, 3, heads, c // heads)
        q, k, v = qkv.permute(3, 0, 1, 4, 2, 5).unbind(0)     # (N, nW, heads, L, d)
        bias = self.position_bias()
        if mask is not None:
            bias = bias + mask.reshape(nw, 1, length, length)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=bias, dropout_p=self.attn_drop if self.training else 0.0)
        y = y.permute(0, 1, 3, 2, 4).reshape(n, nw, length, c)
        return self.proj_drop(self.proj(y))
