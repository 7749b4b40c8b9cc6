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

from lucid.ops._linalg_util import float_input, require_matrix, return_type
from lucid.ops._linalg_vjp import (
    col,
    copyltu,
    diag_embed,
    diagonal,
    eye_like,
    f_matrix,
    last_axis,
    mat,
    mT,
    row,
    safe_reciprocal,
)
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []

QRResult = return_type("qr", ["Q", "R"])
SVDResult = return_type("svd", ["U", "S", "Vh"])
EighResult = return_type("eigh", ["eigenvalues", "eigenvectors"])
EigResult = return_type("eig", ["eigenvalues", "eigenvectors"])


def _qr_vjp_tall(k, q, r, gq, gr):
    """``m >= n``: ``dA = (dQ + Q copyltu(R dR^T - dQ^T Q)) R^-T``."""
    m = mat(k, r, mT(k, gr)) - mat(k, mT(k, gq), q)
    b = gq + mat(k, q, copyltu(k, m))
    return mT(k, k.solve(r, mT(k, b)))  # b R^-T


@register
class QR(Op):
    """``A = Q R``, ``Q`` with orthonormal columns, ``R`` upper triangular. ``mode``:
    ``"reduced"`` (``Q (m, k)``, ``R (k, n)``, ``k = min(m, n)``), ``"complete"``
    (``Q (m, m)``), ``"r"`` (``Q`` empty). VJP: see the module doc (for ``m < n``,
    ``Y = Q V``)."""

    name = "qr"
    n_outputs = 2
    save_inputs = ()
    save_output = True

    def check(self, a, mode):
        require_matrix("qr", a)
        if mode not in ("reduced", "complete", "r"):
            raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")

    def vjp(self, k, node, gq, gr):
        shape = tuple(node.in_shapes[0])
        mode = node.params["mode"]
        m, n = shape[-2:]
        if mode == "r" or (mode == "complete" and m > n):
            raise RuntimeError(f"qr: the gradient is not defined for mode={mode!r} with "
                               f"input shape {shape}; use mode='reduced'")
        q, r = k.output(node, 0), k.output(node, 1)
        if m >= n:
            return _qr_vjp_tall(k, q, r, gq, gr)
        axis = len(shape) - 1  # A = [X | Y] = Q [U | V]: columns :m and m:
        u, v = k.split(r, indices=(m,), axis=axis)
        gu, gv = k.split(gr, indices=(m,), axis=axis)
        y = mat(k, q, v)
        gx = _qr_vjp_tall(k, q, u, gq + mat(k, y, mT(k, gv)), gu)
        return k.concatenate(gx, mat(k, q, gv), axis=axis)


def _narrow_svd(k, u, vh, gu, gvh, n_keep):
    """Keep the first ``n_keep`` singular vectors (``full_matrices=True`` extras have no
    well-defined gradient)."""
    if u.shape[-1] > n_keep:
        axis = last_axis(u)
        u, gu = k.split(u, indices=(n_keep,), axis=axis)[0], k.split(
            gu, indices=(n_keep,), axis=axis)[0]
    if vh.shape[-2] > n_keep:
        axis = last_axis(vh) - 1
        vh, gvh = k.split(vh, indices=(n_keep,), axis=axis)[0], k.split(
            gvh, indices=(n_keep,), axis=axis)[0]
    return u, vh, gu, gvh


@register
class SVD(Op):
    """``A = U diag(S) Vh`` with ``S`` descending; ``full_matrices``: square ``U``, ``Vh``.
    VJP: see the module doc (singular values must be distinct and nonzero where the
    singular vectors' gradients matter)."""

    name = "svd"
    n_outputs = 3
    save_inputs = ()
    save_output = True

    def check(self, a, full_matrices):
        require_matrix("svd", a)

    def vjp(self, k, node, gu, gs, gvh):
        m, n = node.in_shapes[0][-2:]
        n_keep = min(m, n)
        u, s, vh = (k.output(node, i) for i in range(3))
        u, vh, gu, gvh = _narrow_svd(k, u, vh, gu, gvh, n_keep)
        v, gv = mT(k, vh), mT(k, gvh)
        f = f_matrix(k, s * s)
        ut_gu, vt_gv = mat(k, mT(k, u), gu), mat(k, mT(k, v), gv)
        # X diag(s) scales the columns of X, diag(s) X its rows
        inner = ((f * (ut_gu - mT(k, ut_gu))) * row(k, s)
                 + diag_embed(k, gs, eye_like(k, ut_gu))
                 + (f * (vt_gv - mT(k, vt_gv))) * col(k, s))
        ga = mat(k, mat(k, u, inner), vh)
        s_inv = row(k, safe_reciprocal(k, s))
        if m > n_keep:
            ga = ga + mat(k, (gu - mat(k, u, ut_gu)) * s_inv, vh)
        if n > n_keep:
            ga = ga + mat(k, u, mT(k, (gv - mat(k, v, vt_gv)) * s_inv))
        return ga


@register
class Eigh(Op):
    """``A = V diag(w) V^T`` for symmetric ``A`` (only the ``UPLO`` triangle is read),
    ``w`` ascending, ``V`` orthogonal. VJP (symmetric): see the module doc."""

    name = "eigh"
    n_outputs = 2
    save_inputs = ()
    save_output = True

    def check(self, a, UPLO):  # noqa: N803 - PyTorch's argument name
        require_matrix("eigh", a, square=True)
        if UPLO not in ("L", "U"):
            raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")

    def vjp(self, k, node, gw, gv):
        w, v = k.output(node, 0), k.output(node, 1)
        x = mat(k, mT(k, v), gv)
        inner = diag_embed(k, gw, eye_like(k, x)) + f_matrix(k, w) * (x - mT(k, x)) * 0.5
        return mat(k, mat(k, v, inner), mT(k, v))


@register
class Eig(Op):
    """``A V = V diag(w)`` for a general square ``A`` with real eigenvalues (unit-norm
    eigenvectors, LAPACK's order). VJP: see the module doc."""

    name = "eig"
    n_outputs = 2
    save_inputs = ()
    save_output = True

    def check(self, a):
        require_matrix("eig", a, square=True)

    def vjp(self, k, node, gw, gv):
        w, v = k.output(node, 0), k.output(node, 1)
        v_t = mT(k, v)
        x = mat(k, v_t, gv)
        eye = eye_like(k, x)
        m = x - mat(k, v_t, v) * row(k, diagonal(k, x, eye))
        inner = diag_embed(k, gw, eye) + f_matrix(k, w) * m
        return k.solve(v_t, mat(k, inner, v_t))


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
