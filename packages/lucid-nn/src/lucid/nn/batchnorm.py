"""Batch and instance normalisation: one ``_NormBase`` holding ``weight``/``bias`` and the
running statistics (``running_mean``, ``running_var``, ``num_batches_tracked``), with
``BatchNorm1d/2d/3d`` and ``InstanceNorm1d/2d/3d`` fixing the input rank.

``y = (x - mean) / sqrt(var + eps) * weight + bias``; in training the batch statistics are
used and ``running = (1 - momentum) running + momentum batch`` (unbiased variance;
``momentum=None`` gives the cumulative average ``1 / num_batches_tracked``).
"""

from __future__ import annotations

import lucid
from lucid.autograd.grad_mode import no_grad
from lucid.errors import ShapeError
from lucid.nn import functional as F
from lucid.nn import init
from lucid.nn._affine import register_affine, reset_affine
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d"]


class _NormBase(Module):
    _ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        device = device or "cpu"
        register_affine(self, (num_features,), affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", lucid.zeros(num_features, dtype=dtype,
                                                             device=device))
            self.register_buffer("running_var", lucid.ones(num_features, dtype=dtype,
                                                           device=device))
            self.register_buffer("num_batches_tracked",
                                 lucid.zeros((), dtype=lucid.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            with no_grad():
                self.num_batches_tracked._assign(lucid.zeros((), dtype=lucid.int64,
                                                             device=self.running_mean.device))

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        reset_affine(self)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._ranks:
            wanted = " or ".join(f"{r}D" for r in self._ranks)
            raise ShapeError(f"{type(self).__name__}: expected {wanted} input, got "
                             f"{input.ndim}D input of shape {input.shape}")
        unbatched_instance = isinstance(self, _InstanceNorm) and input.ndim == min(self._ranks)
        channel_dim = 0 if unbatched_instance else 1
        if self.affine or self.track_running_stats:
            if input.shape[channel_dim] != self.num_features:
                raise ShapeError(f"{type(self).__name__}: expected {self.num_features} "
                                 f"channels, got input of shape {input.shape}")

    def _momentum(self) -> float:
        """The averaging factor of this step (bumping ``num_batches_tracked``)."""
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked._assign(self.num_batches_tracked + 1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        return factor

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = self._momentum()
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch norm over ``(N, C)`` or ``(N, C, L)``: statistics per channel over the rest.

    Example::

        bn = nn.BatchNorm1d(100)
        bn(lucid.randn(20, 100)).shape  # (20, 100)
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm over ``(N, C, H, W)``."""

    _ranks = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm over ``(N, C, D, H, W)``."""

    _ranks = (5,)


class _InstanceNorm(_NormBase):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == min(self._ranks)
        if unbatched:
            input = lucid.unsqueeze(input, 0)
        factor = self.momentum if self.momentum is not None else 0.1
        out = F.instance_norm(input, self.running_mean, self.running_var, self.weight,
                              self.bias, self.training or not self.track_running_stats,
                              factor, self.eps)
        return out.reshape(out.shape[1:]) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance norm over ``(N, C, L)`` (or ``(C, L)``): statistics per sample and
    channel over ``L``."""

    _ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance norm over ``(N, C, H, W)`` (or ``(C, H, W)``)."""

    _ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance norm over ``(N, C, D, H, W)`` (or ``(C, D, H, W)``)."""

    _ranks = (4, 5)
