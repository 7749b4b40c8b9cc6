"""``PatchEmbed``: an image cut into patches, each linearly projected (Dosovitskiy et al.,
"An Image is Worth 16x16 Words", ICLR 2021)::

    tokens = norm(Conv2d(C_in, D, kernel=patch, stride=stride, padding=padding)(x))

A convolution with ``stride == kernel`` is the non-overlapping patchify of ViT and Swin;
PVT v2's overlapping embedding uses ``kernel=7, stride=4, padding=3``. The output is
channels-last ``(N, H', W', D)``: callers flatten it to a sequence ``(N, H'W', D)`` (ViT,
PVT) or keep the grid (Swin). ``norm`` (``norm=True``) is a LayerNorm over ``D``. Names
(``proj``, ``norm``) follow timm's ``PatchEmbed``.
"""

from __future__ import annotations

from lucid import nn
from lucid.errors import ShapeError

__all__ = ["PatchEmbed"]


class PatchEmbed(nn.Module):
    def __init__(self, patch_size: int = 16, in_channels: int = 3, embed_dim: int = 768,
                 norm: bool = False, stride: int | None = None, padding: int = 0,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.stride = stride or patch_size
        self.proj = nn.Conv2d(in_channels, embed_dim, patch_size, stride=self.stride,
                              padding=padding)
        self.norm = nn.LayerNorm(embed_dim, eps=eps) if norm else nn.Identity()

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.proj.in_channels:
            raise ShapeError(f"PatchEmbed: expected (N, {self.proj.in_channels}, H, W), got "
                             f"{tuple(x.shape)}")
        return self.norm(self.proj(x).permute(0, 2, 3, 1))
