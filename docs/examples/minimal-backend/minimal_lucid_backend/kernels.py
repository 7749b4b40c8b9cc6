"""The required kernels, one NumPy function each, with the parameters declared in
``lucid.ops.signatures`` (arrays positionally, parameters by keyword). A kernel returns an
``np.ndarray`` (never a NumPy scalar: ``_array`` wraps 0-d results).
"""

from __future__ import annotations

import math

import numpy as np

RNG = [np.random.default_rng()]
KERNELS: dict = {}


def kernel(name: str, multi: bool = False):
    def register(fn):
        if multi:
            KERNELS[name] = lambda *a, **k: tuple(np.asarray(o) for o in fn(*a, **k))
        else:
            KERNELS[name] = lambda *a, **k: np.asarray(fn(*a, **k))
        KERNELS[name].__wrapped__ = fn  # the declared signature, for the suite's check
        return fn

    return register


# -- arithmetic, comparison, elementwise ----------------------------------------------
for _name, _fn in (("add", np.add), ("mul", np.multiply), ("div", np.true_divide),
                   ("eq", np.equal), ("lt", np.less), ("exp", np.exp), ("log", np.log),
                   ("sin", np.sin), ("cos", np.cos), ("arctan", np.arctan),
                   ("floor", np.floor), ("where", np.where)):
    kernel(_name)(lambda *arrays, _fn=_fn: _fn(*arrays))


@kernel("pow")
def pow_(x, y):
    if x.dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise ValueError("pow: integers to negative integer powers are not allowed")
    return np.power(x, y)


@kernel("floor_divide")
def floor_divide(x, y):
    if x.dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise ZeroDivisionError("floor_divide: integer division by zero")
    return np.floor_divide(x, y)


_erf = np.vectorize(math.erf, otypes=[np.float64])


@kernel("erf")
def erf(x):
    return _erf(x).astype(x.dtype)


# -- selection, creation, movement ---------------------------------------------------
@kernel("astype")
def astype(x, *, dtype):
    return x.astype(dtype.name)


@kernel("full")
def full(*, shape, fill_value, dtype):
    return np.full(shape, fill_value, dtype=dtype.name)


@kernel("arange")
def arange(*, start, stop, step, dtype):
    n = max(math.ceil((stop - start) / step), 0)
    return (start + step * np.arange(n)).astype(dtype.name)


@kernel("reshape")
def reshape(x, *, shape):
    return x.reshape(shape)


@kernel("permute")
def permute(x, *, axes):
    return x.transpose(axes)


@kernel("broadcast_to")
def broadcast_to(x, *, shape):
    return np.broadcast_to(x, shape)


@kernel("concatenate")
def concatenate(*xs, axis):
    return np.concatenate(xs, axis=axis)


# -- indexing (indices arrive canonical: see lucid.ops._index) -----------------------
@kernel("getitem")
def getitem(x, *, index):
    return x[index]


@kernel("setitem")
def setitem(x, value, *, index):
    out = x.copy()
    out[index] = value
    return out


def _grid(index, dim):
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[dim] = index
    return tuple(grid)


@kernel("gather")
def gather(x, index, *, dim):
    return x[_grid(index, dim)]


@kernel("scatter_add")
def scatter_add(x, index, src, *, dim):
    out = x.copy()
    np.add.at(out, _grid(index, dim), src[tuple(slice(n) for n in index.shape)])
    return out


@kernel("nonzero")
def nonzero(x):
    return np.argwhere(x).astype(np.int64)


# -- reductions, scan, ordering, products, random ------------------------------------
@kernel("sum")
def sum_(x, *, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


@kernel("prod")
def prod(x, *, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


@kernel("amax")
def amax(x, *, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


@kernel("argmax")
def argmax(x, *, axis, keepdims):
    if axis is not None and not isinstance(axis, int):
        (axis,) = axis
    return np.argmax(x, axis=axis, keepdims=keepdims).astype(np.int64)


@kernel("cumsum")
def cumsum(x, *, axis, reverse):
    if reverse:
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
    return np.cumsum(x, axis=axis, dtype=x.dtype)


@kernel("argsort")
def argsort(x, *, axis, descending):
    if descending:  # NaN is the largest value, as in PyTorch
        x = ~x if x.dtype.kind == "b" else np.where(np.isnan(x), -np.inf, -x) if (
            x.dtype.kind == "f") else -x.astype(np.int64)
    return np.argsort(x, axis=axis, kind="stable").astype(np.int64)


@kernel("matmul")
def matmul(x, y):
    return np.matmul(x, y)


@kernel("uniform")
def uniform(*, shape, low, high, dtype):
    return (low + (high - low) * RNG[0].random(shape)).astype(dtype.name)


# -- linear algebra ------------------------------------------------------------------
@kernel("qr", multi=True)
def qr(a, *, mode):
    if mode == "r":
        return np.zeros((0,), dtype=a.dtype), np.linalg.qr(a, mode="r")
    return tuple(np.linalg.qr(a, mode=mode))


@kernel("svd", multi=True)
def svd(a, *, full_matrices):
    return tuple(np.linalg.svd(a, full_matrices=full_matrices))


@kernel("eigh", multi=True)
def eigh(a, *, UPLO):  # noqa: N803
    return tuple(np.linalg.eigh(a, UPLO=UPLO))


@kernel("eig", multi=True)
def eig(a):
    w, v = np.linalg.eig(a)
    if np.iscomplexobj(w):
        if np.any(w.imag != 0):
            raise ValueError("eig: the matrix has complex eigenvalues")
        w, v = w.real, v.real
    return w.astype(a.dtype), v.astype(a.dtype)


for _name, _fn in (("cholesky", np.linalg.cholesky), ("solve", np.linalg.solve),
                   ("det", np.linalg.det)):
    kernel(_name)(lambda *arrays, _fn=_fn: _fn(*arrays))


@kernel("slogdet", multi=True)
def slogdet(a):
    sign, logabs = np.linalg.slogdet(a)
    return sign.astype(a.dtype), logabs
