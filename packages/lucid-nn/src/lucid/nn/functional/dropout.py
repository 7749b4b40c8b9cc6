"""Dropout variants. In training each kept value is scaled by ``1 / (1 - p)`` so the
expectation is unchanged; outside training they return the input.

``dropout``, ``dropout1d/2d/3d``, ``alpha_dropout`` and ``feature_alpha_dropout`` are
core's ops (:mod:`lucid.ops.dropout`); ``drop_path`` (stochastic depth) is defined here on
core's ``dropout_mask`` op.
"""

from __future__ import annotations

from lucid.ops.dropout import alpha_dropout as alpha_dropout
from lucid.ops.dropout import check_probability, random_mask
from lucid.ops.dropout import dropout as dropout
from lucid.ops.dropout import dropout1d as dropout1d
from lucid.ops.dropout import dropout2d as dropout2d
from lucid.ops.dropout import dropout3d as dropout3d
from lucid.ops.dropout import feature_alpha_dropout as feature_alpha_dropout
from lucid.tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout", "drop_path"]


def drop_path(input: Tensor, drop_prob: float = 0.0, training: bool = False,
              scale_by_keep: bool = True) -> Tensor:
    """Stochastic depth: zero whole samples (dim 0) with probability ``drop_prob`` and
    scale the kept ones by ``1 / (1 - drop_prob)`` (when ``scale_by_keep``):
    ``y = x * m``, ``m_n ~ Bernoulli(1 - drop_prob)`` per sample."""
    drop_prob = check_probability(drop_prob, "drop_path")
    if drop_prob == 0.0 or not training:
        return input
    shape = (input.shape[0],) + (1,) * (input.ndim - 1)
    return input * random_mask(input, shape, drop_prob, scale_by_keep and drop_prob < 1.0)
