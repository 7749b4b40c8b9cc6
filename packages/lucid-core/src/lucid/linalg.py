"""``lucid.linalg``: linear algebra with PyTorch's ``torch.linalg`` names.

Decompositions ``cholesky, qr, svd, svdvals, eig, eigvals, eigh, eigvalsh``; inverses and
solvers ``inv, pinv, solve, solve_triangular, lstsq, matrix_power``; determinants
``det, slogdet``; norms ``norm, vector_norm, matrix_norm, cond, matrix_rank``; products
``matmul, multi_dot, vecdot, cross``; also ``matrix_exp`` and ``diagonal``. Every
function works on batches of matrices (leading dims) and is differentiable (gradients by
matrix calculus, see
:mod:`lucid.ops.linalg_ops` and :mod:`lucid.ops.linalg_decomp` for the formulas).

Lucid has no complex dtype: ``eig``/``eigvals`` return real results and raise
:class:`~lucid.errors.DTypeError` for matrices with complex eigenvalues. Singular or
non-positive-definite inputs raise :class:`LinAlgError` (a ``ValueError``).
"""

from __future__ import annotations

from lucid.errors import LinAlgError, ShapeError
from lucid.ops._linalg_util import return_type
from lucid.ops.linalg_decomp import (
    EighResult,
    EigResult,
    QRResult,
    SVDResult,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    qr,
    svd,
    svdvals,
)
from lucid.ops.linalg_norms import cond, matrix_norm, matrix_rank, vector_norm
from lucid.ops.linalg_norms import linalg_norm as norm
from lucid.ops.linalg_ops import (
    SlogdetResult,
    cholesky,
    det,
    inv,
    matrix_power,
    pinv,
    slogdet,
    solve,
    solve_triangular,
)
from lucid.ops.products import matmul
from lucid.tensor import Tensor

__all__ = [
    "LinAlgError", "cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv",
    "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm",
    "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "svdvals", "vecdot",
    "vector_norm", "EighResult", "EigResult", "QRResult", "SVDResult", "SlogdetResult",
    "LstsqResult", "cross", "diagonal", "matrix_exp",
]

LstsqResult = return_type("lstsq", ["solution", "residuals", "rank", "singular_values"])


def multi_dot(tensors) -> Tensor:
    """``A_1 @ A_2 @ ... @ A_k`` (first and last may be 1-D), multiplied in the cheapest
    order (dynamic programming over the chain)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise ValueError(f"multi_dot: expected at least 2 tensors, got {len(tensors)}")
    first_vec, last_vec = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first_vec:
        tensors[0] = tensors[0].reshape(1, -1)
    if last_vec:
        tensors[-1] = tensors[-1].reshape(-1, 1)
    for i, t in enumerate(tensors):
        if t.ndim != 2:
            raise ShapeError(f"multi_dot: tensor {i} must be 2-D, got shape {t.shape}")
    dims = [tensors[0].shape[0]] + [t.shape[1] for t in tensors]
    order = _chain_order(dims)
    out = _multiply(tensors, order, 0, len(tensors) - 1)
    if first_vec:
        out = out.reshape(out.shape[1:])
    if last_vec:
        out = out.reshape(out.shape[:-1])
    return out


def _chain_order(dims):
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _multiply(tensors, split, i, j):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return _multiply(tensors, split, i, k) @ _multiply(tensors, split, k + 1, j)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """``sum(x * y, dim)`` with broadcasting."""
    return (x * y).sum(dim=dim)


def lstsq(a: Tensor, b: Tensor, rcond=None, *, driver=None) -> LstsqResult:
    """Least-squares solution ``X = argmin ||A X - B||`` as ``pinv(A) @ B``
    (differentiable). ``residuals`` are the squared residual norms per column when
    ``A`` is tall and of full rank (else empty), as NumPy; ``rank`` and
    ``singular_values`` of ``A`` come with them."""
    from lucid.autograd.grad_mode import no_grad

    vector = b.ndim == a.ndim - 1
    rhs = b.reshape(b.shape + (1,)) if vector else b
    solution = pinv(a, rtol=rcond) @ rhs
    with no_grad():
        s = svdvals(a)
        rank = matrix_rank(a, rtol=rcond)
    m, n = a.shape[-2:]
    residuals = s[..., :0]
    if m > n and bool((rank == n).all()):
        diff = a @ solution - rhs
        residuals = (diff * diff).sum(dim=-2)
    if vector:
        solution = solution.reshape(solution.shape[:-1])
        residuals = residuals.reshape(residuals.shape[:-1])
    return LstsqResult(solution, residuals, rank, s)


def cross(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Cross product of 3-vectors along ``dim`` (broadcast):
    ``z = (x1 y2 - x2 y1, x2 y0 - x0 y2, x0 y1 - x1 y0)``."""
    from lucid.ops.arithmetic import as_tensor_pair, broadcast_shapes
    from lucid.ops.shape import movedim
    from lucid.ops.shape_join import stack

    shape = broadcast_shapes("cross", x.shape, y.shape)
    if not shape or shape[dim] != 3 or x.shape[dim] != 3 or y.shape[dim] != 3:
        raise ShapeError(f"cross: dim {dim} must have size 3 in both inputs, got shapes "
                         f"{x.shape} and {y.shape}")
    x, y = as_tensor_pair(x.broadcast_to(shape), y.broadcast_to(shape))
    x, y = movedim(x, dim, -1), movedim(y, dim, -1)
    x0, x1, x2 = (x[..., i] for i in range(3))
    y0, y1, y2 = (y[..., i] for i in range(3))
    out = stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], dim=-1)
    return movedim(out, -1, dim)


def diagonal(a: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``torch.linalg.diagonal``: :func:`lucid.diagonal` over the last two dims by default."""
    from lucid.ops.shape_tri import diagonal as _diagonal

    return _diagonal(a, offset, dim1, dim2)


def matrix_exp(a: Tensor) -> Tensor:
    """``exp(A) = sum_k A^k / k!`` by scaling and squaring: ``exp(A) = exp(A / 2^s)^(2^s)``
    with ``s`` chosen so that ``||A / 2^s||_1 <= 1/2`` and a degree-18 Taylor polynomial
    (Horner form) for the scaled matrix. Built from matmuls, so it is differentiable
    (to any order)."""
    import math

    from lucid.autograd.grad_mode import no_grad
    from lucid.ops._linalg_util import eye, float_input, require_matrix

    require_matrix("matrix_exp", a, square=True)
    a = float_input(a)
    with no_grad():
        size = float(matrix_norm(a.detach(), 1).max().item()) if a.size else 0.0
    s = max(0, math.ceil(math.log2(size / 0.5))) if size > 0.5 else 0
    scaled = a / float(2 ** s)
    identity = eye(a.shape[-1], a)
    out = identity
    for k in range(18, 0, -1):  # Horner: I + A/1 (I + A/2 (I + ... (I + A/18)))
        out = identity + (scaled @ out) / float(k)
    for _ in range(s):
        out = out @ out
    return out
