"""Kernels of the elementwise math ops (``exp``/``log``/``where`` live in ``basic.py``).

``sin``, ``cos``, ``sigmoid`` and ``erf`` go through :mod:`._precise`, which keeps float64
at float64 accuracy where MLX's own functions are float32-grade.
"""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _precise
from lucid_backend_mlx.kernels._registry import kernel

for _op, _fn in (("log2", mx.log2), ("log10", mx.log10), ("log1p", mx.log1p),
                 ("expm1", mx.expm1), ("sqrt", mx.sqrt), ("tan", mx.tan),
                 ("arcsin", mx.arcsin), ("arccos", mx.arccos), ("arctan", mx.arctan),
                 ("sinh", mx.sinh), ("cosh", mx.cosh), ("tanh", mx.tanh),
                 ("arcsinh", mx.arcsinh), ("arccosh", mx.arccosh), ("arctanh", mx.arctanh),
                 ("isnan", mx.isnan), ("isinf", mx.isinf), ("isposinf", mx.isposinf),
                 ("isneginf", mx.isneginf), ("isfinite", mx.isfinite),
                 ("arctan2", mx.arctan2), ("maximum", mx.maximum), ("minimum", mx.minimum),
                 ("sin", _precise.sin), ("cos", _precise.cos),
                 ("sigmoid", _precise.sigmoid), ("erf", _precise.erf)):
    kernel(_op)(_fn)


def _is_float(x) -> bool:
    return mx.issubdtype(x.dtype, mx.inexact)


@kernel("abs")
def abs_(x):
    return mx.array(x) if x.dtype == mx.bool_ else mx.abs(x)


@kernel("sign")
def sign(x):
    if x.dtype == mx.bool_:
        return mx.array(x)
    if _is_float(x):  # MLX's sign(NaN) is 0; NaN stays NaN (as NumPy's)
        return mx.where(mx.isnan(x), x, mx.sign(x))
    return mx.sign(x)


@kernel("floor")
def floor(x):
    return mx.floor(x) if _is_float(x) else mx.array(x)


@kernel("ceil")
def ceil(x):
    return mx.ceil(x) if _is_float(x) else mx.array(x)


@kernel("trunc")
def trunc(x):
    """Round toward zero: ``ceil`` below zero, ``floor`` above (MLX has no ``trunc``)."""
    if not _is_float(x):
        return mx.array(x)
    return mx.where(x < 0, mx.ceil(x), mx.floor(x))


@kernel("round")
def round_(x, *, decimals):
    """Half to even at ``decimals`` places (negative: tens, hundreds ...), as NumPy:
    ``round(x * 10^d) / 10^d`` with the scale in ``x``'s own dtype (MLX's ``round(x, d)``
    scales in float32 even for float64)."""
    if decimals == 0:
        return mx.round(x) if _is_float(x) else mx.array(x)
    if not _is_float(x) and decimals > 0:
        return mx.array(x)
    work = x if _is_float(x) else x.astype(mx.float64)
    if decimals > 0:
        scale = mx.array(10.0 ** decimals, dtype=work.dtype)
        out = mx.round(work * scale) / scale
    else:
        scale = mx.array(10.0 ** -decimals, dtype=work.dtype)
        out = mx.round(work / scale) * scale
    return out.astype(x.dtype)


@kernel("clip")
def clip(x, *, low, high):
    if low is not None:
        x = mx.maximum(x, mx.array(low, dtype=x.dtype))
    if high is not None:
        x = mx.minimum(x, mx.array(high, dtype=x.dtype))
    return x


@kernel("nan_to_num")
def nan_to_num(x, *, nan, posinf, neginf):
    info = mx.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    x = mx.where(mx.isnan(x), mx.array(nan, dtype=x.dtype), x)
    x = mx.where(mx.isposinf(x), mx.array(posinf, dtype=x.dtype), x)
    return mx.where(mx.isneginf(x), mx.array(neginf, dtype=x.dtype), x)


@kernel("relu")
def relu(x):
    """``max(x, 0)``; NaN stays NaN (``mx.maximum`` propagates it)."""
    return mx.maximum(x, 0)
