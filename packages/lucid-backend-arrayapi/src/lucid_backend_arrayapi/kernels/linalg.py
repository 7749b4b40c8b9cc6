"""Linear algebra through the namespace's ``linalg`` extension (every library in question
has it: ``array_api_strict.linalg``, ``jax.numpy.linalg``, the compat wrappers of NumPy,
PyTorch and CuPy). ``eig`` is not in the standard: the library's own where it has one.

``pinv`` with ``atol``: singular values ``s <= max(atol, rtol * max s)`` are dropped,
``pinv = V diag(1/s) U^T``. A library's "singular matrix" error becomes
:class:`lucid.errors.LinAlgError` naming the op.
"""

from __future__ import annotations

import functools
import importlib

from lucid.errors import DTypeError, LinAlgError

NATIVE_EIG = {"numpy": "numpy.linalg", "jax": "jax.numpy.linalg", "torch": "torch.linalg"}


class _HostEig:
    """``eig`` for a library without one (array_api_strict, CuPy): NumPy's LAPACK on a
    host copy, the result moved back (the only kernel that leaves the device)."""

    def __init__(self, b):
        self.b = b

    def __call__(self, a):
        import numpy as np

        w, v = np.linalg.eig(self.b.to_numpy(a))
        if np.iscomplexobj(w):
            _real_or_raise(bool(np.any(w.imag != 0)))
            w, v = w.real, v.real
        return self.b.from_numpy(w), self.b.from_numpy(v)


def _real_or_raise(complex_values: bool) -> None:
    if complex_values:
        raise DTypeError("eig: the matrix has complex eigenvalues; Lucid has no complex "
                         "dtype (use eigh for symmetric matrices)")


def _named_errors(op: str, fn):
    @functools.wraps(fn)
    def run(*arrays, **params):
        try:
            return fn(*arrays, **params)
        except Exception as exc:
            if "LinAlgError" not in type(exc).__name__:
                raise
            raise LinAlgError(f"{op}: {exc} (input shapes: "
                              f"{', '.join(str(a.shape) for a in arrays)})") from None

    return run


def kernels(b) -> dict:
    xp = b.xp
    la = getattr(xp, "linalg", None)
    if la is None:
        return {}

    def mT(a):  # noqa: N802
        return xp.matrix_transpose(a)

    def slogdet(a):
        sign, logabs = la.slogdet(a)
        return xp.astype(sign, a.dtype), logabs

    def pinv(a, *, atol, rtol, hermitian):
        u, s, vh = la.svd(a, full_matrices=False)
        top = xp.max(s, axis=-1, keepdims=True) if s.shape[-1] else xp.zeros_like(s[..., :1])
        cutoff = rtol * top if atol is None else xp.maximum(b.asarray(atol, s), rtol * top)
        keep = s > cutoff
        s_inv = xp.where(keep, 1.0 / xp.where(keep, s, xp.ones_like(s)), xp.zeros_like(s))
        return xp.matmul(mT(vh) * s_inv[..., None, :], mT(u))

    def qr(a, *, mode):
        if mode == "r":
            return xp.zeros((0,), dtype=a.dtype, device=b.device), la.qr(a, mode="reduced")[1]
        q, r = la.qr(a, mode=mode)
        return q, r

    def svd(a, *, full_matrices):
        return tuple(la.svd(a, full_matrices=full_matrices))

    def eigh(a, *, UPLO):  # noqa: N803
        """Only the ``UPLO`` triangle is read: the matrix is rebuilt symmetric from it."""
        n = a.shape[-1]
        rows = xp.arange(n, device=b.device)[:, None]
        cols = xp.arange(n, device=b.device)[None, :]
        zero = xp.zeros_like(a)
        strict = mT(xp.where(cols > rows, a, zero)) if UPLO == "U" else xp.where(
            cols < rows, a, zero)
        return tuple(la.eigh(strict + mT(strict) + xp.where(cols == rows, a, zero)))

    table = {"inv": la.inv, "det": la.det, "slogdet": slogdet, "solve": la.solve,
             "cholesky": la.cholesky, "pinv": pinv, "qr": qr, "svd": svd, "eigh": eigh}
    native = NATIVE_EIG.get(b.library)
    eig_fn = importlib.import_module(native).eig if native is not None else _HostEig(b)

    def eig(a):
        w, v = eig_fn(a)
        if xp.isdtype(w.dtype, "complex floating"):
            _real_or_raise(bool(xp.any(xp.imag(w) != 0)))
            w, v = xp.real(w), xp.real(v)
        return xp.astype(w, a.dtype), xp.astype(v, a.dtype)

    table["eig"] = eig
    return {op: _named_errors(op, fn) for op, fn in table.items()}

