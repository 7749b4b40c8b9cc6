"""``embedding``: row lookup ``y[..., :] = W[idx[...], :]``.

VJP: ``dW = embedding_backward(dy, idx)``, the rows of ``dy`` summed into a zero
``W``-shaped array at ``idx`` (row ``padding_idx`` gets no gradient). The two are
adjoint: ``embedding_backward``'s VJP is a lookup of the incoming gradient with the
``padding_idx`` rows zeroed.
"""

from __future__ import annotations

from lucid.dtypes import Int32, Int64
from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register

__all__ = ["embedding"]


def _check_indices(op, indices):
    if indices.dtype not in (Int64, Int32):
        raise DTypeError(f"{op}: indices must be int64 or int32, got {indices.dtype}")


@register
class Embedding(Op):
    """``y = W[idx]`` (with ``zero_padding``, rows where ``idx == padding_idx`` are 0);
    ``dW = embedding_backward(dy, idx)``."""

    name = "embedding"

    def check(self, indices, weight, *, padding_idx, zero_padding):
        _check_indices("embedding", indices)
        if weight.ndim != 2:
            raise ShapeError(f"embedding: weight must be 2-D (num_embeddings, dim), got "
                             f"shape {weight.shape}")

    save_inputs = (0,)

    def vjp(self, k, node, g):
        indices = k.inputs(node)[0]
        return None, k.embedding_backward(g, indices, num_weights=node.in_shapes[1][0],
                                          padding_idx=node.params["padding_idx"])


@register
class EmbeddingBackward(Op):
    """``dW[r] = sum_{i: idx_i = r} g_i`` (``dW[padding_idx] = 0``);
    ``dg = embedding(idx, H)`` with padding rows zeroed."""

    name = "embedding_backward"

    def check(self, g, indices, *, num_weights, padding_idx):
        _check_indices("embedding_backward", indices)
        if g.shape[:-1] != indices.shape:
            raise ShapeError(f"embedding_backward: gradient {g.shape} does not match "
                             f"indices {indices.shape}")

    save_inputs = (1,)

    def vjp(self, k, node, h):
        indices = k.inputs(node)[1]
        return k.embedding(indices, h, padding_idx=node.params["padding_idx"],
                           zero_padding=True), None


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of ``weight (num_embeddings, dim)`` at integer ``input``: output
    ``input.shape + (dim,)``. Row ``padding_idx`` receives no gradient.

    >>> lucid.embedding(lucid.tensor([[0, 2]]), lucid.eye(3)).shape
    (1, 2, 3)
    """
    if sparse:
        raise ValueError("embedding: sparse=True asks for a sparse gradient, and Lucid has no "
                         "sparse tensors; use sparse=False (the dense gradient is the same)")
    if padding_idx is not None:
        n = weight.shape[0]
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} is out of range for "
                             f"{n} embeddings")
        padding_idx = int(padding_idx) % n
    if max_norm is not None:
        _renormalize_rows(input, weight, float(max_norm), float(norm_type))
    out = apply("embedding", input, weight, padding_idx=padding_idx, zero_padding=False)
    if scale_grad_by_freq and out.requires_grad:
        out.register_hook(_inverse_frequency_scaler(input, out.ndim))
    return out


def _renormalize_rows(input, weight, max_norm: float, norm_type: float) -> None:
    """In place, without history (as PyTorch): every row that ``input`` looks up and whose
    ``norm_type``-norm exceeds ``max_norm`` is scaled by ``max_norm / (norm + 1e-7)``."""
    from lucid.autograd.grad_mode import no_grad
    from lucid.ops.elementwise import where
    from lucid.ops.ordering import unique

    with no_grad():
        rows = unique(input.reshape(-1))
        picked = weight[rows]
        norms = (picked.abs() ** norm_type).sum(axis=-1, keepdims=True) ** (1.0 / norm_type)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[rows] = picked * scale


def _inverse_frequency_scaler(input, out_ndim: int):
    """A gradient hook dividing the gradient of each looked-up position by how often its
    index occurs in the mini-batch (``scale_grad_by_freq``)."""
    from lucid.ops.ordering import unique

    _, inverse, counts = unique(input.reshape(-1), return_inverse=True, return_counts=True)
    frequency = counts[inverse].reshape(input.shape + (1,) * (out_ndim - input.ndim))

    def scale(grad):
        return grad / frequency.astype(grad.dtype)

    return scale
