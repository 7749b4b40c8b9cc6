"""Linear-algebra ops on (batches of) matrices: ``inv, det, slogdet, solve, cholesky,
pinv`` and the compositions ``logdet, solve_triangular, matrix_power``.

Every op works on the last two axes; leading axes are batch axes. Integer inputs become
the default float. The public names live in :mod:`lucid.linalg`; PyTorch's top-level
aliases (``lucid.inverse, det, logdet, slogdet, matrix_power, pinverse``) and Tensor
methods are attached here.

VJPs (``G`` the output gradient, ``^-T`` the inverse transpose)::

    Y = A^-1            dA = -Y^T G Y^T
    d = det A           dA = g d A^-T  (singular A: g cof(A), cofactors via the SVD)
    (s, l) = slogdet A  dA = g_l A^-T
    X = A^-1 B          dB = A^-T G,  dA = -dB X^T
    A = L L^T           dA = sym(L^-T Phi(L^T G) L^-1),  Phi = lower triangle, half diagonal
    P = pinv A          dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)

A singular matrix (``inv``, ``solve``) or a matrix that is not positive-definite
(``cholesky``) raises :class:`lucid.errors.LinAlgError` naming the op.
"""

from __future__ import annotations

from lucid.dtypes import Float16, Float32, default_float, result_type
from lucid.errors import ShapeError
from lucid.ops._linalg_util import eye, float_input, require_matrix, return_type, tril_mask
from lucid.ops._linalg_vjp import eye_like, mat, mT, row
from lucid.ops.arithmetic import broadcast_shapes
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["inverse", "det", "logdet", "slogdet", "matrix_power", "pinverse"]

SlogdetResult = return_type("slogdet", ["sign", "logabsdet"])


class _Square(Op):
    """Input: a (batch of) square matrices."""

    def check(self, a, **params):
        require_matrix(self.name, a, square=True)


@register
class Inv(_Square):
    """``Y = A^-1``; ``dA = -Y^T dY Y^T``."""

    name = "inv"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y_t = mT(k, k.output(node))
        return -mat(k, mat(k, y_t, g), y_t)


@register
class Det(_Square):
    """``d = det A``; ``dA = dd * d * A^-T``."""

    name = "det"
    save_inputs = (0,)
    save_output = True

    def vjp(self, k, node, g):
        (a,), d = k.inputs(node), k.output(node)
        shape = tuple(g.shape) + (1, 1)
        if bool(k.any(k.eq(d, 0), axis=None, keepdims=False)):
            # singular: A^-1 does not exist, the cofactors do
            return k.reshape(g, shape=shape) * _cofactors(k, a)
        return k.reshape(g * d, shape=shape) * mT(k, k.inv(a))


def _cofactors(k, a):
    """The cofactor matrix ``det(A) A^-T``, also for singular ``A``: with ``A = U S Vh``,
    ``cof(A) = det(U) det(Vh) U diag(p) Vh``, ``p_i = prod_{j != i} s_j``."""
    u, s, vh = k.svd(a, full_matrices=False)
    identity = eye_like(k, a)  # a is square: (..., n, n) with n = len(s)
    p = k.prod(row(k, s) * (1 - identity) + identity, axis=(len(a.shape) - 1,),
               keepdims=False)
    sign = k.reshape(k.det(u) * k.det(vh), shape=tuple(s.shape[:-1]) + (1, 1))
    return sign * mat(k, u * row(k, p), vh)


@register
class Slogdet(_Square):
    """``(sign, log|det A|)``; ``dA = d(log|det A|) * A^-T`` (the sign is piecewise
    constant)."""

    name = "slogdet"
    n_outputs = 2
    save_inputs = (0,)

    def vjp(self, k, node, g_sign, g_log):
        (a,) = k.inputs(node)
        return k.reshape(g_log, shape=tuple(g_log.shape) + (1, 1)) * mT(k, k.inv(a))


@register
class Solve(Op):
    """``X = A^-1 B`` for ``A (..., n, n)``, ``B (..., n, k)`` with equal batch shapes;
    ``dB = A^-T dX``, ``dA = -dB X^T``."""

    name = "solve"
    save_inputs = (0,)
    save_output = True

    def check(self, a, b):
        require_matrix("solve", a, square=True)
        if b.ndim != a.ndim or b.shape[-2] != a.shape[-1] or b.shape[:-2] != a.shape[:-2]:
            raise ShapeError(f"solve: A of shape {a.shape} and B of shape {b.shape} do not "
                             "match")

    def vjp(self, k, node, g):
        a = k.inputs(node)[0]
        gb = k.solve(mT(k, a), g)
        ga = -mat(k, gb, mT(k, k.output(node))) if node.needs_grad[0] else None
        return ga, gb


@register
class Cholesky(_Square):
    """``L`` lower triangular with ``A = L L^T`` (A symmetric positive-definite; only its
    lower triangle is read); ``dA = sym(L^-T Phi(L^T dL) L^-1)``."""

    name = "cholesky"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        low = k.output(node)
        x = mat(k, mT(k, low), g)
        phi = (k.tril(x, k=0) + k.tril(x, k=-1)) * 0.5  # lower triangle, half diagonal
        low_inv = k.inv(low)
        ga = mat(k, mat(k, mT(k, low_inv), phi), low_inv)
        return (ga + mT(k, ga)) * 0.5


@register
class Pinv(Op):
    """Moore-Penrose pseudo-inverse ``P = V diag(1/s) U^T`` over singular values
    ``s > max(atol, rtol * s_max)`` (eigenvalues ``|w|`` when ``hermitian``);
    ``dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)`` (valid where the rank
    does not change), computed as ``-P^T G P^T + (T - A P T) + (U - U P A)`` with
    ``T = G^T P P^T``, ``U = P^T P G^T``."""

    name = "pinv"
    save_inputs = (0,)
    save_output = True

    def check(self, a, atol, rtol, hermitian):
        require_matrix("pinv", a, square=hermitian)

    def vjp(self, k, node, g):
        a, p = k.inputs(node)[0], k.output(node)
        p_t, g_t = mT(k, p), mT(k, g)
        t = mat(k, mat(k, g_t, p), p_t)
        u = mat(k, p_t, mat(k, p, g_t))
        return (-mat(k, mat(k, p_t, g), p_t) + (t - mat(k, a, mat(k, p, t)))
                + (u - mat(k, mat(k, u, p), a)))


# -- public functions -------------------------------------------------------------------
def _matrix(op: str, a: Tensor, square: bool = True) -> Tensor:
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(a).__name__}")
    require_matrix(op, a, square=square)
    return float_input(a)


@tensor_method("inverse")
def inv(a: Tensor) -> Tensor:
    """``A^-1`` of a (batch of) square matrices; LinAlgError when singular."""
    return apply("inv", _matrix("inv", a))


@tensor_method("det")
def det(a: Tensor) -> Tensor:
    """The determinant of a (batch of) square matrices, shape ``a.shape[:-2]``."""
    return apply("det", _matrix("det", a))


@tensor_method("slogdet")
def slogdet(a: Tensor):
    """``(sign, logabsdet)`` with ``det A = sign * exp(logabsdet)``; stable for large or
    tiny determinants. A singular matrix gives ``(0, -inf)``."""
    return SlogdetResult(*apply("slogdet", _matrix("slogdet", a)))


@tensor_method("logdet")
def logdet(a: Tensor) -> Tensor:
    """``log det A``: NaN where the determinant is negative, ``-inf`` where it is 0."""
    sign, logabs = slogdet(a)
    from lucid.ops.elementwise import where

    return where(sign < 0, float("nan"), logabs)


def _as_matrix_rhs(a: Tensor, b: Tensor):
    """PyTorch's rule: ``B`` is a (batch of) vector(s) when it is 1-D or has the batch
    shape of ``A`` plus one dim."""
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    return (b.reshape(b.shape + (1,)) if vector else b), vector


def solve(a: Tensor, b: Tensor, *, left: bool = True) -> Tensor:
    """``X`` with ``A X = B`` (``left=False``: ``X A = B``). ``B`` is ``(..., n, k)`` or a
    (batch of) vector(s) ``(..., n)``; batch dims broadcast. LinAlgError when ``A`` is
    singular."""
    require_matrix("solve", a, square=True)
    dtype = result_type(a, b)
    dtype = dtype if dtype.is_floating_point else default_float
    a = a if a.dtype == dtype else a.astype(dtype)
    b = b if b.dtype == dtype else b.astype(dtype)
    if not left:
        return solve(a.mT, b.mT).mT
    b, vector = _as_matrix_rhs(a, b)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ShapeError(f"solve: A of shape {a.shape} and B of shape "
                         f"{b.shape[:-1] if vector else b.shape} do not match "
                         f"({a.shape[-1]} != {b.shape[-2] if b.ndim > 1 else None})")
    batch = broadcast_shapes("solve", a.shape[:-2], b.shape[:-2])
    a = a.broadcast_to(batch + a.shape[-2:])
    b = b.broadcast_to(batch + b.shape[-2:])
    x = apply("solve", a, b)
    return x.reshape(x.shape[:-1]) if vector else x


def solve_triangular(a: Tensor, b: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """``X`` with ``T X = B`` where ``T`` is the upper (``upper=True``) or lower triangle of
    ``A`` (the other entries are ignored; ``unitriangular``: the diagonal is taken as 1)."""
    require_matrix("solve_triangular", a, square=True)
    a = float_input(a)
    n = a.shape[-1]
    mask = tril_mask(n, a, offset=-1 if unitriangular else 0)
    tri = a * (mask.mT if upper else mask)
    if unitriangular:
        tri = tri + eye(n, tri)
    return solve(tri, b, left=left)


def cholesky(a: Tensor, upper: bool = False) -> Tensor:
    """``L`` (lower) with ``A = L L^T``, or ``U = L^T`` with ``upper=True``, for symmetric
    positive-definite ``A``; LinAlgError otherwise. Only the lower triangle of ``A`` is
    read; the gradient is symmetric."""
    low = apply("cholesky", _matrix("cholesky", a))
    return low.mT if upper else low


Tensor.cholesky = cholesky

_EPS = {Float16: 9.765625e-4, Float32: 1.1920929e-7}


def pinv(a: Tensor, *, atol=None, rtol=None, hermitian: bool = False, rcond=None) -> Tensor:
    """Moore-Penrose pseudo-inverse. Singular values below ``max(atol, rtol * s_max)`` are
    dropped; defaults as PyTorch (``rtol = eps * max(m, n)`` when neither is given, ``0``
    when only ``atol`` is). ``rcond`` is NumPy's name for ``rtol``."""
    a = _matrix("pinv", a, square=False)
    if rcond is not None:
        rtol = rcond
    if rtol is None:
        eps = _EPS.get(a.dtype, 2.220446049250313e-16)
        rtol = 0.0 if atol not in (None, 0) else eps * max(a.shape[-2:])
    return apply("pinv", a, atol=float(atol or 0.0), rtol=float(rtol),
                 hermitian=bool(hermitian))


@tensor_method("pinverse")
def pinverse(a: Tensor, rcond: float = 1e-15) -> Tensor:
    """PyTorch's ``torch.pinverse``: :func:`pinv` with relative cutoff ``rcond``."""
    return pinv(a, rtol=rcond)


@tensor_method("matrix_power")
def matrix_power(a: Tensor, n: int) -> Tensor:
    """``A^n`` by repeated squaring (``n < 0``: ``(A^-1)^|n|``; ``n = 0``: the identity,
    a constant)."""
    require_matrix("matrix_power", a, square=True)
    n = int(n)
    if n == 0:
        return eye(a.shape[-1], a).broadcast_to(a.shape).clone()
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


inverse = inv
