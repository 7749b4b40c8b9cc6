"""Elementwise ops: the output has the (broadcast) shape of the inputs.

Dtypes follow NumPy: a ufunc's own type resolution (``np.exp`` of ``int8`` is
``float16``), NumPy's promotion for arithmetic (Python numbers are weak), ``bool`` for
comparisons and predicates.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_meta.array import MetaArray, elementwise_result
from lucid_backend_meta.kernels._registry import kernel, like, np_dtype

UNARY_UFUNCS = {
    "abs": np.abs, "neg": np.negative, "sign": np.sign, "ceil": np.ceil, "floor": np.floor,
    "trunc": np.trunc, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log2": np.log2,
    "log10": np.log10, "log1p": np.log1p, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "arcsinh": np.arcsinh, "arccosh": np.arccosh,
    "arctanh": np.arctanh,
    # not ufuncs in NumPy, but typed like a transcendental one
    "erf": np.exp, "sigmoid": np.exp,
}
PREDICATES = ("isnan", "isinf", "isfinite", "isneginf", "isposinf", "logical_not")
SAME_TYPE = ("clone", "relu", "round", "clip", "nan_to_num", "softmax", "log_softmax",
             "cumsum", "cumprod", "roll", "tril", "triu")
BINARY_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
                 "pow": np.power, "maximum": np.maximum, "minimum": np.minimum,
                 "remainder": np.remainder, "floor_divide": np.floor_divide,
                 "arctan2": np.arctan2}
COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor")


def _unary(ufunc):
    def run(x: MetaArray) -> MetaArray:
        return like(x, dtype=ufunc.resolve_dtypes((x.dtype, None))[-1])

    return run


def _binary(ufunc):
    def run(x, y) -> MetaArray:
        out = elementwise_result(x, y)
        if out.dtype.kind in "biu" and ufunc in (np.true_divide, np.arctan2):
            out.dtype = ufunc.resolve_dtypes((out.dtype, out.dtype, None))[-1]
        return out

    return run


def _predicate(x, y=None) -> MetaArray:
    return elementwise_result(x, *(() if y is None else (y,)), dtype=np.bool_)


def _same(x: MetaArray, **params) -> MetaArray:
    return like(x)


for _name, _ufunc in UNARY_UFUNCS.items():
    kernel(_name)(_unary(_ufunc))
for _name, _ufunc in BINARY_UFUNCS.items():
    kernel(_name)(_binary(_ufunc))
kernel(*PREDICATES, *COMPARISONS)(_predicate)
kernel(*SAME_TYPE)(_same)


@kernel("astype")
def astype(x: MetaArray, *, dtype) -> MetaArray:
    return like(x, dtype=np_dtype(dtype))


@kernel("where")
def where(cond, x, y) -> MetaArray:
    """Shape: ``cond``, ``x`` and ``y`` broadcast; dtype: ``x`` and ``y`` promoted."""
    out = elementwise_result(x, y)
    return MetaArray(np.broadcast_shapes(cond.shape, out.shape), out.dtype)
