"""Kernels of the shape ops: ``concatenate``, ``split``, ``pad``, ``roll``, ``tril``,
``triu``. ``split`` returns views."""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


@kernel("concatenate")
def concatenate(*xs, axis):
    return np.concatenate(xs, axis=axis)


@kernel("split", multi_output=True)
def split(x, *, indices, axis):
    return np.split(x, list(indices), axis=axis)


@kernel("pad")
def pad(x, *, pad_width, value):
    return np.pad(x, pad_width, mode="constant", constant_values=value)


@kernel("roll")
def roll(x, *, shifts, axes):
    return np.roll(x, shifts, axis=axes)


@kernel("tril")
def tril(x, *, k):
    return np.tril(x, k)


@kernel("triu")
def triu(x, *, k):
    return np.triu(x, k)
