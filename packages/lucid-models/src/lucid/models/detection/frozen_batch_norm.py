"""Batch normalization with frozen statistics and affine parameters (torchvision's
``FrozenBatchNorm2d``), used in detection backbones where batches are too small for batch
statistics: ``y = x * w / sqrt(var + eps) + (b - mean * w / sqrt(var + eps))``. All four
tensors are buffers (saved, never trained)."""

from __future__ import annotations

import lucid
from lucid import nn

__all__ = ["FrozenBatchNorm2d", "freeze_batch_norm"]


class FrozenBatchNorm2d(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.num_features, self.eps = num_features, eps
        self.register_buffer("weight", lucid.ones((num_features,)))
        self.register_buffer("bias", lucid.zeros((num_features,)))
        self.register_buffer("running_mean", lucid.zeros((num_features,)))
        self.register_buffer("running_var", lucid.ones((num_features,)))

    def forward(self, x):
        scale = self.weight * lucid.rsqrt(self.running_var + self.eps)
        shift = self.bias - self.running_mean * scale
        return x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}"


def freeze_batch_norm(module: nn.Module) -> nn.Module:
    """Replace every ``nn.BatchNorm2d`` inside ``module`` by a ``FrozenBatchNorm2d`` holding
    its statistics and affine parameters; returns ``module``."""
    children = list(module.named_children())
    for name, child in children:
        if isinstance(child, nn.BatchNorm2d):
            frozen = FrozenBatchNorm2d(child.num_features, child.eps)
            for key in ("weight", "bias", "running_mean", "running_var"):
                value = getattr(child, key, None)
                if value is not None:
                    getattr(frozen, key).copy_(value.detach())
            child = frozen
        else:
            freeze_batch_norm(child)
        setattr(module, name, child)  # re-assigned in order: keeps the children's order
    return module
