"""``SyncBatchNorm``: batch normalisation whose statistics cover the whole global batch.

Each rank sums its per-channel ``x`` and ``x^2`` and counts its elements; one
differentiable all-reduce gives the global ``sum``, ``sum_sq`` and ``n``::

    mean = sum / n          var = sum_sq / n - mean^2   (biased, used to normalise)
    y = (x - mean) / sqrt(var + eps) * weight + bias
    running = (1 - momentum) running + momentum * (mean, var * n / (n - 1))

The all-reduce's gradient is the all-reduce of the ranks' gradients, so each rank's
``x`` receives the gradient of the total loss, as PyTorch's SyncBatchNorm gives it.
Outside training (or with one process) it is an ordinary batch norm.
"""

from __future__ import annotations

import lucid
import lucid.nn as nn
from lucid.distributed.collectives import all_reduce_differentiable
from lucid.distributed.process_group import engine, is_initialized

__all__ = ["SyncBatchNorm"]


class SyncBatchNorm(nn.BatchNorm2d):
    """Batch norm over any input rank >= 2 (channels on axis 1) with global statistics."""

    _ranks = (2, 3, 4, 5)

    def forward(self, input):
        self._check_input_dim(input)
        if not (self.training and is_initialized() and engine().world_size > 1):
            return super().forward(input)
        axes = tuple(i for i in range(input.ndim) if i != 1)
        shape = (1, -1) + (1,) * (input.ndim - 2)
        count = lucid.tensor([float(input.numel() // input.shape[1])], dtype=input.dtype,
                             device=input.device)
        stats = lucid.cat([input.sum(axis=axes), (input * input).sum(axis=axes), count])
        stats = all_reduce_differentiable(stats)
        c = input.shape[1]
        n = stats[2 * c]
        mean = stats[:c] / n
        var = stats[c:2 * c] / n - mean * mean
        y = (input - mean.reshape(shape)) / lucid.sqrt(var.reshape(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        if self.track_running_stats:
            with lucid.no_grad():
                self.num_batches_tracked.add_(1)
                momentum = (1.0 / float(self.num_batches_tracked.item())
                            if self.momentum is None else self.momentum)
                unbiased = var.detach() * (n.detach() / (n.detach() - 1))
                self.running_mean.set_(((1 - momentum) * self.running_mean
                                        + momentum * mean.detach()).data)
                self.running_var.set_(((1 - momentum) * self.running_var
                                       + momentum * unbiased).data)
        return y

    @classmethod
    def convert_sync_batchnorm(cls, module: nn.Module) -> nn.Module:
        """``module`` with every BatchNorm layer replaced by a SyncBatchNorm holding the
        same parameters and running statistics (returns the new module)."""
        if _is_batchnorm(module):
            sync = cls(module.num_features, eps=module.eps, momentum=module.momentum,
                       affine=module.affine, track_running_stats=module.track_running_stats)
            sync.load_state_dict(module.state_dict())
            sync.train(module.training)
            return sync
        for name, child in list(module.named_children()):
            setattr(module, name, cls.convert_sync_batchnorm(child))
        return module


def _is_batchnorm(module) -> bool:
    return isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)) \
        and not isinstance(module, SyncBatchNorm)
