"""Products built from ``matmul``, ``einsum`` and shape ops (no ops of their own):
``dot, vdot, inner, outer/ger, tensordot, mm, bmm, mv, trace``.

Their gradients come from the ops they are made of.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops._linalg_util import eye
from lucid.ops.arithmetic import as_tensor_pair
from lucid.ops.products import matmul
from lucid.tensor import Tensor, tensor_method

__all__ = ["dot", "vdot", "inner", "outer", "ger", "tensordot", "mm", "bmm", "mv", "trace"]


def _need(op: str, x: Tensor, ndim: int, which: str = "") -> None:
    if x.ndim != ndim:
        raise ShapeError(f"{op}: expected a {ndim}-D tensor{which}, got shape {x.shape}")


@tensor_method("dot")
def dot(x: Tensor, y: Tensor) -> Tensor:
    """Inner product of two 1-D tensors: ``sum_i x_i y_i`` (a 0-d tensor)."""
    _need("dot", x, 1, " as first argument")
    _need("dot", y, 1, " as second argument")
    if x.shape != y.shape:
        raise ShapeError(f"dot: 1-D tensors of different sizes {x.shape} and {y.shape}")
    return matmul(x, y)


@tensor_method("vdot")
def vdot(x: Tensor, y: Tensor) -> Tensor:
    """``sum_i conj(x_i) y_i``; Lucid has no complex dtype, so this equals :func:`dot`."""
    return dot(x, y)


@tensor_method("outer", "ger")
def outer(x: Tensor, y: Tensor) -> Tensor:
    """Outer product of 1-D tensors: ``z_ij = x_i y_j``, shape ``(n, m)``."""
    _need("outer", x, 1, " as first argument")
    _need("outer", y, 1, " as second argument")
    x, y = as_tensor_pair(x, y)
    return x.reshape(x.shape[0], 1) * y.reshape(1, y.shape[0])


ger = outer


def _prod(sizes) -> int:
    out = 1
    for n in sizes:
        out *= n
    return out


def _axes_arg(axes, dims):
    if dims is not None:
        if axes != 2:
            raise ValueError("tensordot: pass axes or dims, not both")
        return dims
    return axes


def tensordot(a: Tensor, b: Tensor, axes=2, *, dims=None) -> Tensor:
    """Sum over pairs of axes: ``axes=n`` contracts the last ``n`` axes of ``a`` with the
    first ``n`` of ``b``; ``axes=([a axes], [b axes])`` names the pairs.

    Computed as one matmul: ``a`` permuted to ``(free_a, contracted)``, ``b`` to
    ``(contracted, free_b)``, both flattened to matrices. Output shape:
    ``free_a dims + free_b dims``. (``dims=`` is PyTorch's name for ``axes``.)
    """
    axes = _axes_arg(axes, dims)
    if isinstance(axes, int) or hasattr(axes, "__index__"):
        n = int(axes)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: cannot contract {n} axes of shapes {a.shape} and "
                             f"{b.shape}")
        axes_a, axes_b = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ShapeError(f"tensordot: {len(axes_a)} axes of a but {len(axes_b)} of b")
    try:
        axes_a = [ax % a.ndim if a.ndim else ax for ax in axes_a]
        axes_b = [ax % b.ndim if b.ndim else ax for ax in axes_b]
        sizes = [(a.shape[i], b.shape[j]) for i, j in zip(axes_a, axes_b)]
    except (IndexError, ZeroDivisionError):
        raise ShapeError(f"tensordot: axes {axes} out of range for shapes {a.shape} and "
                         f"{b.shape}") from None
    if any(m != n for m, n in sizes) or len(set(axes_a)) != len(axes_a):
        raise ShapeError(f"tensordot: shape mismatch along axes {axes_a} of {a.shape} and "
                         f"{axes_b} of {b.shape}")
    a, b = as_tensor_pair(a, b)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    k = _prod(m for m, _ in sizes)
    out_shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b)
    am = a.permute(*(free_a + axes_a)).reshape(_prod(out_shape[:len(free_a)]), k)
    bm = b.permute(*(axes_b + free_b)).reshape(k, _prod(out_shape[len(free_a):]))
    return matmul(am, bm).reshape(out_shape)


@tensor_method("inner")
def inner(x: Tensor, y: Tensor) -> Tensor:
    """Sum over the last axes: ``z[i..., j...] = sum_k x[i..., k] y[j..., k]``
    (a 0-d operand multiplies elementwise)."""
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    if x.shape[-1] != y.shape[-1]:
        raise ShapeError(f"inner: last dims differ: shapes {x.shape} and {y.shape}")
    return tensordot(x, y, ([-1], [-1]))


@tensor_method("mm")
def mm(x: Tensor, y: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors ``(n, k) @ (k, m)`` (no broadcasting)."""
    _need("mm", x, 2, " as first argument")
    _need("mm", y, 2, " as second argument")
    return matmul(x, y)


@tensor_method("bmm")
def bmm(x: Tensor, y: Tensor) -> Tensor:
    """Batched matrix product of 3-D tensors ``(b, n, k) @ (b, k, m)`` (no broadcasting)."""
    _need("bmm", x, 3, " as first argument")
    _need("bmm", y, 3, " as second argument")
    if x.shape[0] != y.shape[0]:
        raise ShapeError(f"bmm: batch sizes differ: shapes {x.shape} and {y.shape}")
    return matmul(x, y)


@tensor_method("mv")
def mv(x: Tensor, v: Tensor) -> Tensor:
    """Matrix-vector product ``(n, m) @ (m,) -> (n,)``."""
    _need("mv", x, 2, " as matrix")
    _need("mv", v, 1, " as vector")
    return matmul(x, v)


@tensor_method("trace")
def trace(x: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor: ``sum_i x_ii`` (``min(n, m)`` terms)."""
    _need("trace", x, 2)
    return (x * eye(x.shape[0], x, cols=x.shape[1])).sum()
