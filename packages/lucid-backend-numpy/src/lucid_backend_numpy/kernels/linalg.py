"""Kernels of the linear-algebra family (``np.linalg`` on stacked matrices).

float16 is computed in float32 (LAPACK has no half precision) and cast back. LAPACK
failures become :class:`lucid.errors.LinAlgError` naming the op.
"""

from __future__ import annotations

import functools

import numpy as np

from lucid.errors import DTypeError, LinAlgError
from lucid_backend_numpy.kernels._registry import kernel

_WHY = {"inv": "the matrix is singular", "solve": "the matrix A is singular",
        "cholesky": "the matrix is not positive-definite"}


def _lapack(op: str):
    """Run in float32 for float16 input; turn np.linalg.LinAlgError into LinAlgError."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(*arrays, **params):
            dtype = arrays[0].dtype
            if dtype == np.float16:
                arrays = tuple(a.astype(np.float32) for a in arrays)
            try:
                out = fn(*arrays, **params)
            except np.linalg.LinAlgError as exc:
                shapes = ", ".join(str(a.shape) for a in arrays)
                raise LinAlgError(f"{op}: {_WHY.get(op, 'LAPACK failed')} ({exc}; input "
                                  f"shapes {shapes})") from None
            if dtype == np.float16:
                out = (tuple(o.astype(dtype) for o in out) if isinstance(out, tuple)
                       else out.astype(dtype))
            return out

        return run

    return wrap


@kernel("inv")
@_lapack("inv")
def inv(a):
    return np.linalg.inv(a)


@kernel("det")
@_lapack("det")
def det(a):
    return np.linalg.det(a)


@kernel("slogdet", multi_output=True)
@_lapack("slogdet")
def slogdet(a):
    sign, logabs = np.linalg.slogdet(a)
    return sign.astype(a.dtype), logabs


@kernel("solve")
@_lapack("solve")
def solve(a, b):
    return np.linalg.solve(a, b)


@kernel("cholesky")
@_lapack("cholesky")
def cholesky(a):
    return np.linalg.cholesky(a)


@kernel("pinv")
@_lapack("pinv")
def pinv(a, *, atol, rtol, hermitian):
    if hermitian:
        w, v = np.linalg.eigh(a)
        mag = np.abs(w)
        cutoff = np.maximum(atol, rtol * mag.max(axis=-1, keepdims=True, initial=0.0))
        w_inv = np.where(mag > cutoff, 1.0 / np.where(mag > cutoff, w, 1.0), 0.0)
        return (v * w_inv[..., None, :]) @ np.swapaxes(v, -1, -2)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cutoff = np.maximum(atol, rtol * s.max(axis=-1, keepdims=True, initial=0.0))
    s_inv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    return (np.swapaxes(vh, -1, -2) * s_inv[..., None, :]) @ np.swapaxes(u, -1, -2)


@kernel("qr", multi_output=True)
@_lapack("qr")
def qr(a, *, mode):
    if mode == "r":
        return np.zeros((0,), dtype=a.dtype), np.linalg.qr(a, mode="r")
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


@kernel("svd", multi_output=True)
@_lapack("svd")
def svd(a, *, full_matrices):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


@kernel("eigh", multi_output=True)
@_lapack("eigh")
def eigh(a, *, UPLO):  # noqa: N803
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return w, v


@kernel("eig", multi_output=True)
@_lapack("eig")
def eig(a):
    w, v = np.linalg.eig(a)
    if np.iscomplexobj(w):
        if np.any(w.imag != 0):
            bad = w[w.imag != 0].reshape(-1)[0]
            raise DTypeError(f"eig: the matrix has complex eigenvalues (e.g. {bad}); Lucid "
                             "has no complex dtype (use eigh for symmetric matrices)")
        w, v = w.real, v.real
    return w.astype(a.dtype, copy=False), v.astype(a.dtype, copy=False)
