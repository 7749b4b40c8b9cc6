"""Cases of the linear-algebra family. Inputs are well conditioned (random + a multiple of
the identity), symmetric positive-definite for cholesky, with distinct eigenvalues for the
eigen-decompositions. Decompositions are checked through sign-invariant functions of their
outputs (``call=``): ``u * u``, reconstructions, positive-diagonal QR.

References avoid the kernel's LAPACK routine where it is easy: Laplace expansion for det,
Cholesky-Banachiewicz loops, Gram-Schmidt for QR, the normal equations for pinv, the
eigen-decomposition of ``A^T A`` for the SVD.
"""

import numpy as np

import lucid
from lucid.ops._linalg_util import diagonal
from lucid.testing.case import case


def _well(*shape, shift=3.0):
    n = shape[-1]
    return lambda rng: [rng.standard_normal(shape) + shift * np.eye(n)]


def _spd(*shape):
    n = shape[-1]

    def make(rng):
        m = rng.standard_normal(shape)
        return [m @ np.swapaxes(m, -1, -2) + n * np.eye(n)]

    return make


def _batched(fn):
    """Apply a single-matrix reference to each matrix of a batch (outputs stacked)."""
    def run(a, *rest):
        if a.ndim == 2:
            return fn(a, *rest)
        outs = [run(a[i], *[r[i] for r in rest]) for i in range(a.shape[0])]
        if isinstance(outs[0], tuple):
            return tuple(np.stack(parts) for parts in zip(*outs))
        return np.stack(outs)
    return run


def _laplace_det(a):
    if a.shape[0] == 1:
        return a[0, 0]
    return sum((-1) ** j * a[0, j] * _laplace_det(np.delete(a[1:], j, axis=1))
               for j in range(a.shape[0]))


def _cholesky_loops(a):
    n = a.shape[0]
    low = np.zeros_like(a)
    for i in range(n):
        for j in range(i + 1):
            s = a[i, j] - low[i, :j] @ low[j, :j]
            low[i, j] = np.sqrt(s) if i == j else s / low[j, j]
    return low


def _gram_schmidt(a, complete=False):
    m, n = a.shape
    k = min(m, n)
    q = np.zeros((m, k))
    for j in range(k):
        v = a[:, j] - q[:, :j] @ (q[:, :j].T @ a[:, j])
        q[:, j] = v / np.linalg.norm(v)
    return q, q.T @ a


def _sym(a):
    return (a + a.mT) * 0.5


def _sym_np(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


# -- inverses, determinants, solvers --------------------------------------------------
case("inv", _well(3, 3), _batched(lambda a: np.linalg.solve(a, np.eye(3))))
case("inv", _well(2, 3, 3), _batched(lambda a: np.linalg.solve(a, np.eye(3))), name="batched")
case("det", _well(3, 3, shift=1.0), _batched(_laplace_det))
case("det", _well(2, 2, 2, shift=0.0), _batched(_laplace_det), name="batched")
case("det", lambda rng: [np.array([[1.0, 2.0], [2.0, 4.0]])], _laplace_det, name="singular")
case("slogdet", _well(2, 3, 3, shift=0.5),
     _batched(lambda a: (np.sign(_laplace_det(a)), np.log(abs(_laplace_det(a))))))
case("solve", lambda rng: [rng.standard_normal((3, 3)) + 3 * np.eye(3),
                           rng.standard_normal((3, 2))],
     lambda a, b: np.linalg.inv(a) @ b)
case("solve", lambda rng: [rng.standard_normal((2, 3, 3)) + 3 * np.eye(3),
                           rng.standard_normal((3,))],
     lambda a, b: np.einsum("bij,j->bi", np.linalg.inv(a), b),
     call=lambda a, b: lucid.linalg.solve(a, b), name="vector-broadcast")
case("cholesky", _spd(3, 3), _batched(_cholesky_loops),
     call=lambda a: lucid.linalg.cholesky(_sym(a)))
case("cholesky", _spd(2, 3, 3), _batched(lambda a: _cholesky_loops(a).T),
     call=lambda a: lucid.linalg.cholesky(_sym(a), upper=True), name="upper-batched")
case("pinv", lambda rng: [rng.standard_normal((4, 3))],
     lambda a, atol, rtol, hermitian: np.linalg.inv(a.T @ a) @ a.T,
     params={"atol": 0.0, "rtol": 1e-12, "hermitian": False})
case("pinv", lambda rng: [rng.standard_normal((2, 2, 4))],
     _batched(lambda a: a.T @ np.linalg.inv(a @ a.T)),
     call=lambda a: lucid.linalg.pinv(a), name="wide-batched")
case("pinv", _spd(3, 3), lambda a: np.linalg.inv(_sym_np(a)),
     call=lambda a: lucid.linalg.pinv(_sym(a), hermitian=True), name="hermitian")


# -- decompositions (sign-invariant views) ---------------------------------------------
def _qr_positive(mode):
    def call(a):
        q, r = lucid.linalg.qr(a, mode=mode)
        k = min(a.shape[-2:])
        d = lucid.sign(diagonal(r[..., :k, :k]))
        return q[..., :, :k] * d.reshape(d.shape[:-1] + (1, k)), r * d.reshape(d.shape + (1,))
    return call


case("qr", lambda rng: [rng.standard_normal((4, 3))], _batched(_gram_schmidt),
     call=_qr_positive("reduced"), name="tall")
case("qr", lambda rng: [rng.standard_normal((2, 3, 3))], _batched(_gram_schmidt),
     call=_qr_positive("complete"), name="square-complete-batched")
case("qr", lambda rng: [rng.standard_normal((2, 4))], _batched(_gram_schmidt),
     call=_qr_positive("reduced"), name="wide")


def _svd_ref(a):
    """From the eigen-decomposition of A^T A (or A A^T): s, u*u, vh*vh, U S Vh."""
    m, n = a.shape
    k = min(m, n)
    w, v = np.linalg.eigh(a.T @ a) if m >= n else np.linalg.eigh(a @ a.T)
    order = np.argsort(w)[::-1][:k]
    s, vecs = np.sqrt(w[order]), v[:, order]
    if m >= n:
        v_k, u_k = vecs, a @ vecs / s
    else:
        u_k, v_k = vecs, a.T @ vecs / s
    return s, u_k * u_k, (v_k * v_k).T, a


def _svd_call(full):
    def call(a):
        u, s, vh = lucid.linalg.svd(a, full_matrices=full)
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        return s, u * u, vh * vh, (u * s.reshape(s.shape[:-1] + (1, k))) @ vh
    return call


case("svd", lambda rng: [rng.standard_normal((4, 3))], _batched(_svd_ref),
     call=_svd_call(False), name="tall")
case("svd", lambda rng: [rng.standard_normal((2, 2, 4))], _batched(_svd_ref),
     call=_svd_call(False), name="wide-batched")
case("svd", lambda rng: [rng.standard_normal((4, 3))], _batched(_svd_ref),
     call=_svd_call(True), name="full-matrices")
case("svd", lambda rng: [rng.standard_normal((3, 3))],
     lambda a: np.sqrt(np.sort(np.linalg.eigvalsh(a.T @ a))[::-1]),
     call=lambda a: lucid.linalg.svdvals(a), name="svdvals")


def _eig_ref_sorted(a):
    """Eigenvalues from the characteristic polynomial; eigenvectors from null spaces."""
    w = np.sort(np.roots(np.poly(a)).real)
    vecs = np.stack([np.linalg.svd(a - lam * np.eye(len(a)))[2][-1] for lam in w], axis=1)
    return w, vecs * vecs


def _eigh_call(a):
    w, v = lucid.linalg.eigh(_sym(a))
    return w, v * v


case("eigh", lambda rng: [rng.standard_normal((3, 3))], _batched(
     lambda a: _eig_ref_sorted(_sym_np(a))), call=_eigh_call)
case("eigh", lambda rng: [rng.standard_normal((2, 4, 4))], _batched(
     lambda a: _eig_ref_sorted(_sym_np(a))), call=_eigh_call, name="batched")
case("eigh", lambda rng: [rng.standard_normal((3, 3))],
     lambda a: np.sort(np.linalg.eigvals(_sym_np(a)).real),
     call=lambda a: lucid.linalg.eigvalsh(_sym(a)), name="eigvalsh")


def _distinct_real_spectrum(rng):
    p = np.eye(3) + 0.3 * rng.standard_normal((3, 3))
    return [p @ np.diag([-1.0, 0.5, 2.0]) @ np.linalg.inv(p)]


def _eig_call(a):
    w, v = lucid.linalg.eig(a)
    order = lucid.argsort(w)
    v = v[..., :, order]
    return w[order], v * v


case("eig", _distinct_real_spectrum, _eig_ref_sorted, call=_eig_call)
