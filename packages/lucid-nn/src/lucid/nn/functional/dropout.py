"""Dropout variants. In training each kept value is scaled by ``1 / (1 - p)`` so the
expectation is unchanged; outside training they return the input."""

from __future__ import annotations

import math

from lucid.nn import _random
from lucid.tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout", "drop_path"]


def _check_p(p: float, name: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: dropout probability has to be between 0 and 1, but got {p}")


def _masked(input: Tensor, mask_shape, p: float, inplace: bool) -> Tensor:
    if p == 1.0:
        out = input * 0.0
    else:
        mask = _random.keep_mask(mask_shape, p, input.dtype, input.device)
        out = input * mask * (1.0 / (1.0 - p))
    return input._assign(out) if inplace else out


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p``: ``y = x * m / (1 - p)``, ``m ~ B(1 - p)``."""
    _check_p(p, "dropout")
    if not training or p == 0.0:
        return input
    return _masked(input, input.shape, p, inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, dims: int,
                     name: str) -> Tensor:
    _check_p(p, name)
    if input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{name}: expected a {dims + 1}-D or {dims + 2}-D input, got shape "
                         f"{input.shape}")
    if not training or p == 0.0:
        return input
    batched = input.ndim == dims + 2
    mask_shape = input.shape[:2 if batched else 1] + (1,) * dims
    return _masked(input, mask_shape, p, inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, L)`` / ``(C, L)`` with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)`` / ``(C, H, W)`` with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, D, H, W)`` / ``(C, D, H, W)`` with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha(input: Tensor, mask_shape, p: float, training: bool, inplace: bool, name: str):
    _check_p(p, name)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        out = input * 0.0
        return input._assign(out) if inplace else out
    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    a = 1.0 / math.sqrt((alpha_p * alpha_p * p + 1) * (1 - p))
    b = -a * alpha_p * p
    keep = _random.keep_mask(mask_shape, p, input.dtype, input.device)
    out = (input * keep + (1.0 - keep) * alpha_p) * a + b
    return input._assign(out) if inplace else out


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped values become ``alpha' = -scale * alpha``, then
    ``y = a * x' + b`` with ``a = ((1 - p)(1 + p alpha'^2))^(-1/2)``, ``b = -a alpha' p``,
    which keeps mean 0 and variance 1."""
    return _alpha(input, input.shape, p, training, inplace, "alpha_dropout")


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` of whole channels."""
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _alpha(input, shape, p, training, inplace, "feature_alpha_dropout")


def drop_path(input: Tensor, drop_prob: float = 0.0, training: bool = False,
              scale_by_keep: bool = True) -> Tensor:
    """Stochastic depth: zero whole samples (dim 0) with probability ``drop_prob`` and
    scale the kept ones by ``1 / (1 - drop_prob)``."""
    _check_p(drop_prob, "drop_path")
    if drop_prob == 0.0 or not training:
        return input
    keep_prob = 1.0 - drop_prob
    mask = _random.keep_mask((input.shape[0],) + (1,) * (input.ndim - 1), drop_prob,
                             input.dtype, input.device)
    if keep_prob > 0.0 and scale_by_keep:
        mask = mask / keep_prob
    return input * mask


