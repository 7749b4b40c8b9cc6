"""``PatchMerging``: Swin's 2x downsampling between stages (Liu et al. 2021). Each 2x2
neighbourhood of a channels-last map ``(N, H, W, C)`` is concatenated (order
``(0,0), (1,0), (0,1), (1,1)``) to ``4C`` channels and projected to ``2C``::

    V1: y = reduction(norm(concat))        norm over 4C (``post_norm=False``)
    V2: y = norm(reduction(concat))        norm over 2C (``post_norm=True``)

``reduction`` is ``Linear(4C, 2C, bias=False)``; an odd height or width is zero-padded.
Names follow timm.
"""

from __future__ import annotations

from lucid import nn
from lucid.nn import functional as F

__all__ = ["PatchMerging"]


class PatchMerging(nn.Module):
    def __init__(self, dim: int, post_norm: bool = False, eps: float = 1e-5) -> None:
        super().__init__()
        self.post_norm = post_norm
        if not post_norm:
            self.norm = nn.LayerNorm(4 * dim, eps=eps)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        if post_norm:
            self.norm = nn.LayerNorm(2 * dim, eps=eps)

    def forward(self, x):
        n, h, w, c = x.shape
        if h % 2 or w % 2:
            x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
            h, w = h + h % 2, w + w % 2
        x = x.reshape(n, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 4, 2, 5)
        x = x.reshape(n, h // 2, w // 2, 4 * c)
        if self.post_norm:
            return self.norm(self.reduction(x))
        return self.reduction(self.norm(x))
