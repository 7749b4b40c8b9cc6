"""Norms and the quantities built on them: ``vector_norm, matrix_norm, norm`` (PyTorch's
``torch.linalg.norm``), ``cond, matrix_rank``, and ``lucid.norm`` / ``Tensor.norm``
(PyTorch's ``torch.norm``).

All are compositions of other ops (their gradients follow)::

    vector ord p:    (sum |x|^p)^(1/p);  2: sqrt(sum x^2);  inf / -inf: max / min |x|;
                     0: number of nonzeros (no gradient)
    matrix 'fro':    sqrt(sum a_ij^2);   'nuc': sum of singular values;
           2 / -2:   largest / smallest singular value;
           1 / -1:   max / min over columns of the column sums of |a|;
           inf/-inf: max / min over rows of the row sums of |a|

At a zero vector (matrix) the gradient of the 2-norm, the Frobenius norm and the p-norms
is 0, as in PyTorch (the root is taken of a sum that is replaced by 1 where it is 0).
"""

from __future__ import annotations

import math

from lucid.errors import ShapeError
from lucid.ops._args import normalize_axis
from lucid.ops._linalg_util import float_input, require_matrix
from lucid.ops.elementwise import abs as _abs
from lucid.ops.elementwise import sqrt
from lucid.ops.reduction import sum as _sum
from lucid.ops.reduction_minmax import amax, amin
from lucid.tensor import Tensor, tensor_method

__all__ = ["norm"]

_INF = math.inf


def _root(total: Tensor, p: float) -> Tensor:
    """``total ** (1/p)`` with a zero (not NaN/inf) gradient where ``total == 0``."""
    from lucid.ops.elementwise import where

    zero = total == 0
    safe = where(zero, 1.0, total)
    return where(zero, 0.0, sqrt(safe) if p == 2 else safe ** (1.0 / p))


def _dims(x: Tensor, dim, op: str):
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = tuple(normalize_axis(d, max(x.ndim, 1), op) for d in dims)
    if len(set(out)) != len(out):
        raise ShapeError(f"{op}: repeated dim in {dim}")
    return out


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A002
    """The ``ord``-norm of ``x`` over ``dim`` (an int, a tuple, or None: all elements,
    treated as one flat vector)."""
    x = float_input(x if dtype is None else x.astype(dtype))
    dims = _dims(x, dim, "vector_norm")
    ord = float(ord)  # noqa: A001
    if ord == 2:
        return _root(_sum(x * x, axis=dims, keepdims=keepdim), 2)
    if ord == _INF:
        return amax(_abs(x), axis=dims, keepdims=keepdim)
    if ord == -_INF:
        return amin(_abs(x), axis=dims, keepdims=keepdim)
    if ord == 0:
        return _sum((x != 0).astype(x.dtype), axis=dims, keepdims=keepdim)
    if ord == 1:
        return _sum(_abs(x), axis=dims, keepdims=keepdim)
    return _root(_sum(_abs(x) ** ord, axis=dims, keepdims=keepdim), ord)


def _singular_values_last(a: Tensor, d0: int, d1: int) -> Tensor:
    from lucid.ops.linalg_decomp import svdvals

    rest = [i for i in range(a.ndim) if i not in (d0, d1)]
    return svdvals(a.permute(*(rest + [d0, d1])))


def _keep(out: Tensor, a: Tensor, d0: int, d1: int, keepdim: bool) -> Tensor:
    if not keepdim:
        return out
    shape = tuple(1 if i in (d0, d1) else n for i, n in enumerate(a.shape))
    return out.reshape(shape)


def matrix_norm(a: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,  # noqa: A002
                dtype=None) -> Tensor:
    """The ``ord`` matrix norm over the two dims ``dim`` (``'fro'``, ``'nuc'``, ``1``,
    ``-1``, ``2``, ``-2``, ``inf``, ``-inf``); other dims are batch dims."""
    a = float_input(a if dtype is None else a.astype(dtype))
    require_matrix("matrix_norm", a)
    dims = _dims(a, dim, "matrix_norm")
    if dims is None or len(dims) != 2:
        raise ShapeError(f"matrix_norm: dim must name two dims, got {dim}")
    d0, d1 = dims
    if ord == "fro":
        return _root(_sum(a * a, axis=(d0, d1), keepdims=keepdim), 2)
    if ord == "nuc":
        return _keep(_sum(_singular_values_last(a, d0, d1), axis=-1), a, d0, d1, keepdim)
    if ord in (2, -2):
        s = _singular_values_last(a, d0, d1)
        out = amax(s, axis=-1) if ord == 2 else amin(s, axis=-1)
        return _keep(out, a, d0, d1, keepdim)
    if ord in (1, -1, _INF, -_INF):
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = _sum(_abs(a), axis=summed, keepdims=True)
        pick = amax if ord in (1, _INF) else amin
        out = pick(sums, axis=other, keepdims=True)
        return out if keepdim else out.reshape(
            tuple(n for i, n in enumerate(a.shape) if i not in (d0, d1)))
    raise ValueError(f"matrix_norm: unsupported ord {ord!r} (use 'fro', 'nuc', 1, -1, 2, "
                     "-2, inf, -inf)")


def linalg_norm(a: Tensor, ord=None, dim=None, keepdim: bool = False, *,  # noqa: A002
                dtype=None) -> Tensor:
    """``torch.linalg.norm``: a vector norm when ``dim`` is an int (or ``a`` is 1-D), a
    matrix norm when ``dim`` is a pair (or ``a`` is 2-D). ``ord=None``: the 2-norm of the
    flattened input (``dim=None``), the vector 2-norm, or the Frobenius norm."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise ShapeError(f"norm: dim must name 1 or 2 dims, got {dim}")
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(a, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if a.ndim not in (1, 2):
            raise ShapeError(f"norm: with ord={ord!r} and dim=None the input must be 1-D or "
                             f"2-D, got shape {a.shape}")
        dim = tuple(range(a.ndim))
    if len(dim) == 2:
        return matrix_norm(a, ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord={ord!r} needs a matrix (2 dims)")
    return vector_norm(a, ord, dim, keepdim, dtype=dtype)


@tensor_method("norm")
def norm(x: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """``torch.norm``: ``p="fro"`` (default) or a number is a vector norm over ``dim``
    (all elements when None; ``"fro"`` over two dims is the same value), ``p="nuc"`` a
    matrix norm over the two dims ``dim`` (default the last two)."""
    if p == "nuc":
        return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(x, 2 if p == "fro" else p, dim, keepdim, dtype=dtype)


def cond(a: Tensor, p=None) -> Tensor:  # noqa: A002
    """Condition number ``||A||_p ||A^-1||_p``; ``p=None``/``2``: ``s_max / s_min``,
    ``-2``: ``s_min / s_max``."""
    if p in (None, 2, -2):
        from lucid.ops.linalg_decomp import svdvals

        require_matrix("cond", a)
        s = svdvals(float_input(a))
        ratio = amax(s, axis=-1) / amin(s, axis=-1)
        return ratio if p != -2 else 1.0 / ratio
    from lucid.ops.linalg_ops import inv

    return matrix_norm(a, p) * matrix_norm(inv(a), p)


def matrix_rank(a: Tensor, *, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """Number of singular values above ``max(atol, rtol * s_max)`` (int64, no gradient);
    PyTorch's defaults (``rtol = eps * max(m, n)`` when neither is given)."""
    from lucid.autograd.grad_mode import no_grad
    from lucid.ops.linalg_decomp import eigvalsh, svdvals
    from lucid.ops.linalg_ops import _EPS

    require_matrix("matrix_rank", a, square=hermitian)
    a = float_input(a)
    if rtol is None:
        eps = _EPS.get(a.dtype, 2.220446049250313e-16)
        rtol = 0.0 if atol not in (None, 0) else eps * max(a.shape[-2:])
    with no_grad():
        s = _abs(eigvalsh(a)) if hermitian else svdvals(a)
        top = amax(s, axis=-1, keepdims=True) if s.shape[-1] else s
        cutoff = top * float(rtol)
        if atol:
            from lucid.ops.elementwise import where

            cutoff = where(cutoff > atol, cutoff, float(atol))
        return _sum(s > cutoff, axis=-1)
