"""``LayerNorm2d``: layer normalisation over the channels of ``(N, C, H, W)`` at every
position (ConvNeXt's "channels-first" LayerNorm)::

    y[n, :, h, w] = (x[n, :, h, w] - mu) / sqrt(var + eps) * weight + bias

with ``mu``/``var`` the mean and (biased) variance over the C channels. It is
``nn.LayerNorm(C)`` applied to the channels-last view, so it keeps ``LayerNorm``'s
parameters ``weight``/``bias`` of shape ``(C,)`` (torchvision's and timm's ``LayerNorm2d``).
"""

from __future__ import annotations

from lucid import nn
from lucid.errors import ShapeError
from lucid.nn import functional as F

__all__ = ["LayerNorm2d"]


class LayerNorm2d(nn.LayerNorm):
    """``LayerNorm`` over the channel axis of 4-D input (default ``eps=1e-6``, ConvNeXt's).

    >>> LayerNorm2d(8)(lucid.randn(2, 8, 5, 5)).shape
    (2, 8, 5, 5)
    """

    def __init__(self, num_channels: int, eps: float = 1e-6, **kwargs) -> None:
        super().__init__(num_channels, eps=eps, **kwargs)

    def forward(self, input):
        if input.ndim != 4 or input.shape[1] != self.normalized_shape[0]:
            raise ShapeError(f"LayerNorm2d: expected input (N, {self.normalized_shape[0]}, H, W),"
                             f" got shape {input.shape}")
        y = F.layer_norm(input.permute(0, 2, 3, 1), self.normalized_shape, self.weight,
                         self.bias, self.eps)
        return y.permute(0, 3, 1, 2)
