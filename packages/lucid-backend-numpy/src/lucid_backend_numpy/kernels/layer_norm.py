"""Fused kernel of ``layer_norm``: ``y = (x - mu) * rstd * weight + bias`` over the
trailing ``weight.ndim`` dims, with ``mu`` and ``rstd = 1 / sqrt(var + eps)`` returned too
(the op's VJP reads them).

One full-size temporary: the rows are centred into a new buffer that becomes ``y``
(scaled, weighted and shifted in place); the variance is a row-wise dot product
(``einsum``), so no squared copy is made.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


@kernel("layer_norm", multi_output=True)
def layer_norm(x, weight, bias, *, eps):
    count = weight.size
    stat_shape = x.shape[:x.ndim - weight.ndim] + (1,) * weight.ndim
    rows = x.reshape(-1, count)
    mu = rows.mean(axis=1, keepdims=True)
    y = rows - mu
    var = np.einsum("ij,ij->i", y, y).reshape(-1, 1)
    var *= 1.0 / count
    var += eps
    rstd = np.sqrt(var, out=var)
    np.reciprocal(rstd, out=rstd)
    y *= rstd
    y *= weight.reshape(-1)
    y += bias.reshape(-1)
    return y.reshape(x.shape), mu.reshape(stat_shape), rstd.reshape(stat_shape)
