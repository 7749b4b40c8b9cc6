"""Kernels of the linear-algebra family, on ``mx.linalg``.

MLX runs its linear algebra on the CPU device only, so every kernel here runs on the
``mx.cpu`` stream, also when Lucid's ``gpu`` is served by MLX (the arrays live in unified
memory; nothing is copied). float16 is computed in float32 and cast back.

Where MLX's routine does not give what Lucid promises, the kernel says so:

* ``det``: MLX's float64 ``det`` is float32-grade (relative errors ~1e-7); Lucid takes
  ``sign * exp(logabsdet)`` from MLX's ``slogdet``, which is accurate.
* ``inv``/``solve``/``cholesky``: LAPACK failures surface only at evaluation, and MLX's
  ``cholesky`` returns garbage for a matrix that is not positive-definite; these kernels
  evaluate and check, and raise :class:`lucid.errors.LinAlgError` naming the op.
* ``svd``/``qr``: MLX computes full ``U``/``Vt`` and reduced QR; reduced SVD is a slice
  of the full one, complete QR is the QR of ``[A | 0]`` (zero columns add identity
  reflectors, so its ``Q`` is the complete ``Q`` of ``A``).
* ``eig``: MLX returns complex64 even for float64 input (float32 precision). Lucid has no
  complex dtype and needs float64 eigenpairs for float64, so float64 ``eig`` is computed by
  NumPy's LAPACK on the host (the only NumPy fallback of this backend); other dtypes use
  MLX's ``eig``.
"""

from __future__ import annotations

import functools

import mlx.core as mx
import numpy as np

from lucid.errors import DTypeError
from lucid_backend_mlx.kernels import _precise
from lucid_backend_mlx.kernels._registry import kernel

try:
    from lucid.errors import LinAlgError
except ImportError:  # a lucid-core older than LinAlgError
    from lucid.errors import LucidError as LinAlgError

_WHY = {"inv": "the matrix is singular", "solve": "the matrix A is singular",
        "cholesky": "the matrix is not positive-definite"}


def _failure(op: str, arrays, detail: str) -> LinAlgError:
    shapes = ", ".join(str(tuple(a.shape)) for a in arrays)
    return LinAlgError(f"{op}: {_WHY.get(op, 'LAPACK failed')} ({detail}; input shapes "
                       f"{shapes})")


def _lapack(op: str, check: bool = False):
    """Run on the MLX CPU stream, float16 as float32; with ``check``, evaluate now and turn
    a LAPACK failure into LinAlgError."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(*arrays, **params):
            dtype = arrays[0].dtype
            if dtype == mx.float16:
                arrays = tuple(a.astype(mx.float32) for a in arrays)
            with mx.stream(mx.cpu):
                out = fn(*arrays, **params)
                if check:
                    try:
                        mx.eval(out)
                    except (RuntimeError, ValueError) as exc:
                        raise _failure(op, arrays, str(exc)) from None
                if dtype == mx.float16:
                    out = (tuple(o.astype(dtype) for o in out) if isinstance(out, tuple)
                           else out.astype(dtype))
            return out

        return run

    return wrap


@kernel("inv")
@_lapack("inv", check=True)
def inv(a):
    return mx.linalg.inv(a)


@kernel("det")
@_lapack("det")
def det(a):
    sign, logabs = mx.linalg.slogdet(a)
    return sign * _precise.exp(logabs)


@kernel("slogdet")
@_lapack("slogdet")
def slogdet(a):
    sign, logabs = mx.linalg.slogdet(a)
    return sign.astype(a.dtype), logabs


@kernel("solve")
@_lapack("solve", check=True)
def solve(a, b):
    return mx.linalg.solve(a, b)


@kernel("cholesky")
@_lapack("cholesky")
def cholesky(a):
    low = mx.linalg.cholesky(a)
    diag = mx.diagonal(low, axis1=-2, axis2=-1)
    scale = mx.max(mx.abs(a)) if a.size else mx.array(0.0, dtype=a.dtype)
    rebuilt = mx.max(mx.abs(low @ mx.swapaxes(low, -1, -2) - a)) if a.size else scale
    tol = 1e-6 if a.dtype == mx.float32 else 1e-12
    try:
        bad = (mx.any(~(diag > 0)) | (rebuilt > tol * a.shape[-1] * scale)).item()
    except (RuntimeError, ValueError) as exc:
        raise _failure("cholesky", (a,), str(exc)) from None
    if bad:
        raise _failure("cholesky", (a,), "LAPACK potrf found a non-positive pivot")
    return low


def _reduced_svd(a):
    u, s, vt = mx.linalg.svd(a)
    k = min(a.shape[-2], a.shape[-1])
    return u[..., :, :k], s, vt[..., :k, :]


@kernel("pinv")
@_lapack("pinv")
def pinv(a, *, atol, rtol, hermitian):
    """``A^+ = V diag(1/s) U^T`` over the singular values above
    ``max(atol, rtol * s_max)`` (eigen-decomposition when ``hermitian``)."""
    if hermitian:
        w, v = mx.linalg.eigh(a)
        mag = mx.abs(w)
        top = mx.max(mag, axis=-1, keepdims=True) if w.shape[-1] else mag
        keep = mag > mx.maximum(atol, rtol * top)
        w_inv = mx.where(keep, 1.0 / mx.where(keep, w, 1.0), 0.0).astype(a.dtype)
        return (v * w_inv[..., None, :]) @ mx.swapaxes(v, -1, -2)
    u, s, vt = _reduced_svd(a)
    top = mx.max(s, axis=-1, keepdims=True) if s.shape[-1] else s
    keep = s > mx.maximum(atol, rtol * top)
    s_inv = mx.where(keep, 1.0 / mx.where(keep, s, 1.0), 0.0).astype(a.dtype)
    return (mx.swapaxes(vt, -1, -2) * s_inv[..., None, :]) @ mx.swapaxes(u, -1, -2)


@kernel("qr")
@_lapack("qr")
def qr(a, *, mode):
    m, n = a.shape[-2], a.shape[-1]
    if mode == "complete" and m > n:
        pad = mx.zeros(a.shape[:-1] + (m - n,), dtype=a.dtype)
        q, r = mx.linalg.qr(mx.concatenate([a, pad], axis=-1))
        return q, r[..., :, :n]
    q, r = mx.linalg.qr(a)
    if mode == "r":
        return mx.zeros((0,), dtype=a.dtype), r
    return q, r


@kernel("svd")
@_lapack("svd")
def svd(a, *, full_matrices):
    if full_matrices:
        return mx.linalg.svd(a)
    return _reduced_svd(a)


@kernel("eigh")
@_lapack("eigh")
def eigh(a, *, UPLO):  # noqa: N803 - PyTorch's argument name
    return mx.linalg.eigh(a, UPLO=UPLO)


def _complex_error(w_real, w_imag) -> DTypeError:
    bad = complex(float(w_real), float(w_imag))
    return DTypeError(f"eig: the matrix has complex eigenvalues (e.g. {bad}); Lucid has no "
                      "complex dtype (use eigh for symmetric matrices)")


@kernel("eig")
@_lapack("eig")
def eig(a):
    if a.dtype == mx.float64:
        # NumPy fallback: MLX's eig returns complex64 (float32 precision) for float64 input
        w, v = np.linalg.eig(np.array(a))
        if np.iscomplexobj(w):
            if np.any(w.imag != 0):
                bad = w[w.imag != 0].reshape(-1)[0]
                raise _complex_error(bad.real, bad.imag)
            w, v = w.real, v.real
        return mx.array(w, dtype=a.dtype), mx.array(v, dtype=a.dtype)
    w, v = mx.linalg.eig(a)
    imag = mx.imag(w)
    if mx.any(imag != 0).item():
        first = mx.argmax(imag != 0).item()
        flat_w = w.reshape(-1)
        raise _complex_error(mx.real(flat_w[first]).item(), mx.imag(flat_w[first]).item())
    return mx.real(w).astype(a.dtype), mx.real(v).astype(a.dtype)
