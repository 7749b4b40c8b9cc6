"""Dropout: ``dropout``, channel-wise ``dropout1d/2d/3d``, ``alpha_dropout`` and
``feature_alpha_dropout``, all ``x * mask`` with a random mask from the ``dropout_mask``
op (so the gradient is ``dy * mask`` through ``mul``).

``dropout``: ``mask = keep / (1 - p)``, ``keep ~ Bernoulli(1 - p)`` per element (per
channel for ``dropoutNd``). ``alpha_dropout`` (for SELU nets) keeps mean and variance:
``y = a * (x * keep + alpha' * (1 - keep)) + b`` with ``alpha' = -1.7580993408473766``,
``a = ((1 - p) * (1 + p * alpha'^2))^-1/2``, ``b = -a * alpha' * p``.
"""

from __future__ import annotations

import math

from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]

_SELU_ALPHA_PRIME = 1.7580993408473766  # = selu scale * selu alpha


@register
class DropoutMask(Op):
    """``mask = Bernoulli(1 - p)`` of ``shape`` as ``dtype``, times ``1/(1-p)`` when
    ``scale`` (random, not differentiable)."""

    name = "dropout_mask"
    differentiable = False

    def check(self, *, shape, p, dtype, scale):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout_mask: p must be in [0, 1], got {p}")


def check_probability(p, op):
    """``float(p)`` for a drop probability in ``[0, 1]``; ``ValueError`` naming ``op`` else."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def random_mask(x: Tensor, shape, p: float, scale: bool) -> Tensor:
    """A ``shape`` mask of ``x``'s dtype and device: 0 with probability ``p``, else 1 (or
    ``1 / (1 - p)`` when ``scale``); broadcast it against ``x`` to drop entries."""
    return apply("dropout_mask", shape=tuple(shape), p=p, dtype=x.dtype, scale=scale,
                 device=x.device)


def _finish(x: Tensor, out: Tensor, inplace: bool) -> Tensor:
    return x._assign(out) if inplace else out


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``
    (identity when not ``training``)."""
    p = check_probability(p, "dropout")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _finish(input, input * 0.0, inplace)
    return _finish(input, input * random_mask(input, input.shape, p, True), inplace)


def _channel_dropout(x, p, training, inplace, nd, op):
    p = check_probability(p, op)
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(f"{op}: expected a {nd + 1}-D or {nd + 2}-D input, got shape "
                         f"{x.shape}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _finish(x, x * 0.0, inplace)
    shape = x.shape[:x.ndim - nd] + (1,) * nd
    return _finish(x, x * random_mask(x, shape, p, True), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, L)`` / ``(C, L)`` with probability ``p``."""
    return _channel_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, H, W)`` / ``(C, H, W)`` with probability ``p``."""
    return _channel_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of ``(N, C, D, H, W)`` / ``(C, D, H, W)`` with probability ``p``."""
    return _channel_dropout(input, p, training, inplace, 3, "dropout3d")


def _alpha(x, p, training, inplace, shape, op):
    p = check_probability(p, op)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return _finish(x, x * 0.0, inplace)
    keep = random_mask(x, shape, p, False)
    a = 1.0 / math.sqrt((_SELU_ALPHA_PRIME ** 2 * p + 1) * (1 - p))
    b = (keep - 1.0) * (_SELU_ALPHA_PRIME * a) + _SELU_ALPHA_PRIME * a * p
    return _finish(x, x * (keep * a) + b, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Dropout for SELU networks: dropped elements are set to SELU's negative saturation
    and an affine map restores zero mean and unit variance (PyTorch's formula)."""
    return _alpha(input, p, training, inplace, input.shape, "alpha_dropout")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """``alpha_dropout`` with one mask value per channel (``(N, C, *)`` input)."""
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _alpha(input, p, training, inplace, shape, "feature_alpha_dropout")
