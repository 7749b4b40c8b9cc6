"""Global response normalisation (Woo et al., "ConvNeXt V2: Co-designing and Scaling
ConvNets with Masked Autoencoders", CVPR 2023, eq. 1-3).

Each channel's spatial L2 norm, divided by the mean of those norms over the channels,
scales the channel; a learnt affine of that response is added to the input::

    G_c  = ||x_c||_2 = sqrt(sum_{h,w} x_{c,h,w}^2)        (per sample and channel)
    N_c  = G_c / (mean_c' G_c' + eps)
    y    = x + weight * (x * N) + bias

``weight`` and ``bias`` hold one value per channel (zero at initialisation, so the layer
starts as the identity). The channel axis is 1 for ``(N, C, H, W)`` input, or the last
axis for ``(N, H, W, C)`` with ``channels_last=True`` (the reference implementation's
layout after ConvNeXt's permute).
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.tensor import Tensor

__all__ = ["global_response_norm"]


def global_response_norm(input: Tensor, weight: Tensor | None = None,  # noqa: A002
                         bias: Tensor | None = None, eps: float = 1e-6,
                         channels_last: bool = False) -> Tensor:
    """GRN of a 4-D ``input`` (see the module docstring); ``weight``/``bias`` of shape
    ``(C,)`` or None (no term)."""
    if input.ndim != 4:
        raise ShapeError(f"global_response_norm: expected a 4-D input, got shape {input.shape}")
    c_axis = 3 if channels_last else 1
    channels = input.shape[c_axis]
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ShapeError(f"global_response_norm: {name} must have shape ({channels},) for "
                             f"input {input.shape} (channels_last={channels_last}), got "
                             f"{tuple(t.shape)}")
    spatial = (1, 2) if channels_last else (2, 3)
    view = (1, 1, 1, channels) if channels_last else (1, channels, 1, 1)
    g = lucid.sqrt(lucid.sum(input * input, axis=spatial, keepdims=True))
    n = g / (lucid.mean(g, axis=c_axis, keepdims=True) + eps)
    response = input * n
    if weight is not None:
        response = response * weight.reshape(view)
    out = input + response
    if bias is not None:
        out = out + bias.reshape(view)
    return out
