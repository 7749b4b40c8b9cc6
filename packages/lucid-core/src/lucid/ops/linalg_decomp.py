"""Matrix decompositions: ``qr, svd, eigh, eig`` (and ``svdvals, eigvalsh, eigvals``).

Lucid has no complex dtype: ``eig`` returns real eigenvalues/eigenvectors and raises
:class:`~lucid.errors.DTypeError` when some eigenvalues are complex (use ``eigh`` for
symmetric matrices). The public names live in :mod:`lucid.linalg`.

VJPs (``F_ij = 1 / (x_j - x_i)`` off the diagonal, 0 on it and where ``x_i == x_j``;
``sym(M) = (M + M^T) / 2``; ``copyltu(M) = tril(M) + tril(M, -1)^T``)::

    A = Q R (m >= n)      dA = (dQ + Q copyltu(M)) R^-T,   M = R dR^T - dQ^T Q
    A = Q [U | V] (m < n) d[X | Y] = [qr_vjp(Q, U, dQ + Y dV^T, dU) | Q dV]
    A = U S V^T           dA = U [sym-F(U^T dU) S + diag(dS) + S sym-F(V^T dV)] V^T
                               + (I - U U^T) dU S^-1 V^T + U S^-1 dV^T (I - V V^T)
                          with sym-F(X) = F ∘ (X - X^T) over x = s^2
    A = V diag(w) V^T     dA = V [diag(dw) + F ∘ (X - X^T) / 2] V^T,  X = V^T dV
    A V = V diag(w)       dA = V^-T [diag(dw) + F ∘ (X - V^T V diag(X_ii))] V^T

Decompositions are defined up to signs of singular/eigen vectors; gradients are
meaningful for functions that do not depend on that choice (reconstructions, ``|u|``).
"""

from __future__ import annotations

from lucid.ops._linalg_util import (
    diag_embed,
    diagonal,
    float_input,
    require_matrix,
    return_type,
    select_columns,
    tril_mask,
)
from lucid.ops.elementwise import where
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []

QRResult = return_type("qr", ["Q", "R"])
SVDResult = return_type("svd", ["U", "S", "Vh"])
EighResult = return_type("eigh", ["eigenvalues", "eigenvectors"])
EigResult = return_type("eig", ["eigenvalues", "eigenvectors"])


def _f_matrix(x: Tensor) -> Tensor:
    """``F_ij = 1 / (x_j - x_i)``, 0 where ``x_i == x_j`` (the diagonal included)."""
    k = x.shape[-1]
    diff = x.reshape(x.shape[:-1] + (1, k)) - x.reshape(x.shape + (1,))
    zero = diff == 0
    return where(zero, 0.0, 1.0 / where(zero, 1.0, diff))


def _safe_reciprocal(s: Tensor) -> Tensor:
    zero = s == 0
    return where(zero, 0.0, 1.0 / where(zero, 1.0, s))


def _copyltu(m: Tensor) -> Tensor:
    n = m.shape[-1]
    return m * tril_mask(n, m) + (m * tril_mask(n, m, offset=-1)).mT


def _qr_vjp_tall(q, r, gq, gr):
    """``m >= n``: ``dA = (dQ + Q copyltu(R dR^T - dQ^T Q)) R^-T``."""
    m = r @ gr.mT - gq.mT @ q
    b = gq + q @ _copyltu(m)
    return apply("solve", r, b.mT).mT  # b R^-T


@register
class QR(Op):
    """``A = Q R``, ``Q`` with orthonormal columns, ``R`` upper triangular. ``mode``:
    ``"reduced"`` (``Q (m, k)``, ``R (k, n)``, ``k = min(m, n)``), ``"complete"``
    (``Q (m, m)``), ``"r"`` (``Q`` empty). VJP: see the module doc."""

    name = "qr"
    n_outputs = 2

    def check(self, a, mode):
        require_matrix("qr", a)
        if mode not in ("reduced", "complete", "r"):
            raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")

    def vjp(self, node, gq, gr):
        a = node.inputs[0]
        mode = node.params["mode"]
        m, n = a.shape[-2:]
        if mode == "r" or (mode == "complete" and m > n):
            raise RuntimeError(f"qr: the gradient is not defined for mode={mode!r} with "
                               f"input shape {a.shape}; use mode='reduced'")
        q, r = node.saved_output(0), node.saved_output(1)
        if m >= n:
            return _qr_vjp_tall(q, r, gq, gr)
        first, rest = select_columns(n, 0, m, a), select_columns(n, m, n, a)
        y, u = a @ rest, r @ first
        gu, gv = gr @ first, gr @ rest
        gx = _qr_vjp_tall(q, u, gq + y @ gv.mT, gu)
        return gx @ first.mT + (q @ gv) @ rest.mT


def _narrow_svd(u, vh, gu, gvh, k):
    """Keep the first ``k`` singular vectors (``full_matrices=True`` extras have no
    well-defined gradient)."""
    m, n = u.shape[-1], vh.shape[-2]
    if m > k:
        e = select_columns(m, 0, k, u)
        u, gu = u @ e, gu @ e
    if n > k:
        e = select_columns(n, 0, k, vh)
        vh, gvh = e.mT @ vh, e.mT @ gvh
    return u, vh, gu, gvh


@register
class SVD(Op):
    """``A = U diag(S) Vh`` with ``S`` descending; ``full_matrices``: square ``U``, ``Vh``.
    VJP: see the module doc (singular values must be distinct and nonzero where the
    singular vectors' gradients matter)."""

    name = "svd"
    n_outputs = 3

    def check(self, a, full_matrices):
        require_matrix("svd", a)

    def vjp(self, node, gu, gs, gvh):
        a = node.inputs[0]
        m, n = a.shape[-2:]
        k = min(m, n)
        u, s, vh = (node.saved_output(i) for i in range(3))
        u, vh, gu, gvh = _narrow_svd(u, vh, gu, gvh, k)
        v, gv = vh.mT, gvh.mT
        f = _f_matrix(s * s)
        s_mat = diag_embed(s)
        ut_gu, vt_gv = u.mT @ gu, v.mT @ gv
        inner = ((f * (ut_gu - ut_gu.mT)) @ s_mat + diag_embed(gs)
                 + s_mat @ (f * (vt_gv - vt_gv.mT)))
        ga = u @ inner @ vh
        s_inv = _safe_reciprocal(s).reshape(s.shape[:-1] + (1, k))
        if m > k:
            ga = ga + ((gu - u @ ut_gu) * s_inv) @ vh
        if n > k:
            ga = ga + u @ ((gv - v @ vt_gv) * s_inv).mT
        return ga


@register
class Eigh(Op):
    """``A = V diag(w) V^T`` for symmetric ``A`` (only the ``UPLO`` triangle is read),
    ``w`` ascending, ``V`` orthogonal. VJP (symmetric): see the module doc."""

    name = "eigh"
    n_outputs = 2

    def check(self, a, UPLO):  # noqa: N803 - PyTorch's argument name
        require_matrix("eigh", a, square=True)
        if UPLO not in ("L", "U"):
            raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")

    def vjp(self, node, gw, gv):
        w, v = node.saved_output(0), node.saved_output(1)
        x = v.mT @ gv
        inner = diag_embed(gw) + _f_matrix(w) * (x - x.mT) * 0.5
        return v @ inner @ v.mT


@register
class Eig(Op):
    """``A V = V diag(w)`` for a general square ``A`` with real eigenvalues (unit-norm
    eigenvectors, LAPACK's order). VJP: see the module doc."""

    name = "eig"
    n_outputs = 2

    def check(self, a):
        require_matrix("eig", a, square=True)

    def vjp(self, node, gw, gv):
        w, v = node.saved_output(0), node.saved_output(1)
        k = w.shape[-1]
        x = v.mT @ gv
        m = x - (v.mT @ v) * diagonal(x).reshape(x.shape[:-2] + (1, k))
        inner = diag_embed(gw) + _f_matrix(w) * m
        return apply("solve", v.mT, inner @ v.mT)


# -- public functions -------------------------------------------------------------------
def qr(a: Tensor, mode: str = "reduced") -> QRResult:
    """``(Q, R)`` with ``A = Q R``: Householder QR of a (batch of) matrices."""
    require_matrix("qr", a)
    return QRResult(*apply("qr", float_input(a), mode=mode))


def svd(a: Tensor, full_matrices: bool = True) -> SVDResult:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, ``S`` descending. PyTorch's default
    ``full_matrices=True`` gives square ``U (m, m)`` and ``Vh (n, n)``."""
    require_matrix("svd", a)
    return SVDResult(*apply("svd", float_input(a), full_matrices=bool(full_matrices)))


def svdvals(a: Tensor) -> Tensor:
    """The singular values, descending, shape ``(..., min(m, n))``; gradient
    ``U diag(dS) Vh``."""
    return svd(a, full_matrices=False).S


def eigh(a: Tensor, UPLO: str = "L") -> EighResult:  # noqa: N803
    """``(eigenvalues, eigenvectors)`` of a symmetric matrix, eigenvalues ascending and
    eigenvectors in the columns. Only the ``UPLO`` triangle ("L" lower, "U" upper) is read."""
    require_matrix("eigh", a, square=True)
    return EighResult(*apply("eigh", float_input(a), UPLO=UPLO))


def eigvalsh(a: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """Eigenvalues of a symmetric matrix, ascending; gradient ``V diag(dw) V^T``."""
    return eigh(a, UPLO).eigenvalues


def eig(a: Tensor) -> EigResult:
    """``(eigenvalues, eigenvectors)`` of a general square matrix whose eigenvalues are
    all real (real tensors, unit-norm eigenvector columns, unsorted). Complex eigenvalues
    raise DTypeError: Lucid has no complex dtype."""
    require_matrix("eig", a, square=True)
    return EigResult(*apply("eig", float_input(a)))


def eigvals(a: Tensor) -> Tensor:
    """Eigenvalues of a general square matrix (real ones only, see :func:`eig`)."""
    return eig(a).eigenvalues
