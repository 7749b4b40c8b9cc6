"""``linear``: the affine map ``y = x W^T + b`` as one op (``lucid.nn.functional.linear``).

Inputs ``x (N, in)``, ``W (out, in)`` and optionally ``b (out,)``::

    y = x W^T + b
    dx = dy W,    dW = dy^T x,    db = sum_N dy

As one op, the weight gradient comes out in the weight's own layout, ``(out, in)``. The
composite ``x @ W.mT`` gets it as ``(x^T dy)^T``, a transposed view on backends with
strides (NumPy), and every later pass over it (the optimizer's update, read against the
row-major weight) then crosses rows: the SGD update of a 512x784 weight takes 8x longer.
PyTorch gives ``.grad`` the parameter's layout for the same reason. Backends give the op
a kernel (NumPy, MLX); where there is none, the composite runs.
"""

from __future__ import annotations

from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []  # called through lucid.nn.functional.linear


@register
class Linear(Op):
    """``y = linear(x, W[, b])`` (module docstring)."""

    name = "linear"
    save_inputs = (0, 1)

    def check(self, x, w, *b):
        ok = x.ndim == 2 and w.ndim == 2 and x.shape[1] == w.shape[1] and len(b) <= 1
        if ok and b:
            ok = b[0].shape == (w.shape[0],)
        if not ok:
            raise ShapeError("linear: expected x (N, in), W (out, in) and b (out,), got "
                             + ", ".join(str(t.shape) for t in (x, w, *b)))
        if any(t.dtype != x.dtype for t in (w, *b)):
            raise DTypeError("linear: x, W and b must share one dtype, got "
                             + ", ".join(str(t.dtype) for t in (x, w, *b)))

    def vjp(self, k, node, g):
        x, w = k.inputs(node)[:2]
        needs = node.needs_grad
        grads = [k.matmul(g, w) if needs[0] else None,
                 k.matmul(k.permute(g, axes=(1, 0)), x) if needs[1] else None]
        if len(needs) == 3:
            grads.append(g if needs[2] else None)  # summed over N by the engine
        return tuple(grads)

    def composite(self, x, w, *b):
        out = x @ w.mT
        return out + b[0] if b else out


def linear(x: Tensor, w: Tensor, b: Tensor | None = None) -> Tensor:
    """``x W^T + b`` for 2-D ``x`` and ``W`` of one dtype as one op (module docstring)."""
    return apply("linear", x, w) if b is None else apply("linear", x, w, b)
