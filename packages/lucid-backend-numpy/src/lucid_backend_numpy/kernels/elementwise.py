"""Kernels of the elementwise math ops (``exp``/``log``/``where`` live in ``basic.py``)."""

from __future__ import annotations

import math

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel, ufunc_kernel

try:  # scipy's erf is fast and accurate; math.erf (libm) is the exact fallback
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover - scipy is optional
    _erf_scalar = np.frompyfunc(math.erf, 1, 1)

    def _erf(x):
        return np.asarray(_erf_scalar(x), dtype=x.dtype)


def _quiet(ufunc):
    """``ufunc`` without NumPy's domain warnings (log(0), sqrt(-1) give inf/NaN silently,
    as in PyTorch)."""

    def run(*arrays):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return ufunc(*arrays)

    run.__name__ = ufunc.__name__
    return run


for _op, _ufunc in (("log2", np.log2), ("log10", np.log10), ("log1p", np.log1p),
                    ("sqrt", np.sqrt), ("arcsin", np.arcsin), ("arccos", np.arccos),
                    ("arccosh", np.arccosh), ("arctanh", np.arctanh), ("expm1", np.expm1),
                    ("sinh", np.sinh), ("cosh", np.cosh)):
    kernel(_op)(_quiet(_ufunc))

for _op, _ufunc in (("abs", np.abs), ("sin", np.sin), ("cos", np.cos), ("tan", np.tan),
                    ("arctan", np.arctan), ("tanh", np.tanh),
                    ("arcsinh", np.arcsinh), ("floor", np.floor), ("ceil", np.ceil),
                    ("trunc", np.trunc), ("isnan", np.isnan), ("isinf", np.isinf),
                    ("isposinf", np.isposinf), ("isneginf", np.isneginf),
                    ("isfinite", np.isfinite), ("arctan2", np.arctan2),
                    ("maximum", np.maximum), ("minimum", np.minimum)):
    if isinstance(_ufunc, np.ufunc):
        ufunc_kernel(_op, ufunc=_ufunc)
    else:  # isposinf / isneginf are Python functions
        kernel(_op)(_ufunc)


@kernel("sign")
def sign(x):
    if x.dtype == np.bool_:
        return x.copy()
    return np.sign(x)


@kernel("sigmoid")
def sigmoid(x):
    # e = exp(-|x|) never overflows: x >= 0 -> 1/(1+e), x < 0 -> e/(1+e)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


@kernel("erf")
def erf(x):
    return _erf(x).astype(x.dtype, copy=False)


@kernel("round")
def round_(x, *, decimals):
    return np.round(x, decimals)


@kernel("clip")
def clip(x, *, low, high):
    if low is not None:
        x = np.maximum(x, np.asarray(low, dtype=x.dtype))
    if high is not None:
        x = np.minimum(x, np.asarray(high, dtype=x.dtype))
    return x


@kernel("nan_to_num")
def nan_to_num(x, *, nan, posinf, neginf):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@kernel("relu")
def relu(x):
    """``max(x, 0)``; NaN stays NaN (``np.maximum`` propagates it)."""
    return np.maximum(x, 0)
