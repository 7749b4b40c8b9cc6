"""``lstm_cell``: one LSTM time step (after the input projection) as one op.

Inputs: the input projection ``xp = x W_ih^T + b_ih`` ``(N, 4H)`` (computed for all time
steps at once by the layer), the state ``h`` ``(N, P)`` and ``c`` ``(N, H)``, the recurrent
weight ``W_hh`` ``(4H, P)`` and optionally ``b_hh`` ``(4H,)`` (``P = H``, or the
projection size of an LSTM with ``proj_size``)::

    [a_i, a_f, a_g, a_o] = xp + h W_hh^T + b_hh                 (gates along the last dim)
    i = sigmoid(a_i),  f = sigmoid(a_f),  g = tanh(a_g),  o = sigmoid(a_o)
    c' = f * c + i * g,    h' = o * tanh(c')

VJP, with ``dh'``, ``dc'`` the output gradients, ``t = tanh(c')``, and
``A = [i, f, s, o]`` where ``s = sigmoid(2 a_g)`` (so ``g = 2s - 1`` and
``tanh'(a_g) = 1 - g^2 = 4 s (1 - s)``: one ``A (1 - A)`` serves all four gates)::

    dc  = dc' + dh' * o * (1 - t^2)
    da  = [dc * g,  dc * c,  4 dc * i,  dh' * t] * A (1 - A)
    dxp = da,   dh = da W_hh,   dW_hh = da^T h,   db_hh = sum_N da,   dc_prev = dc * f

A fused kernel returns ``(h', c', acts)`` with ``acts = [i, f, s, o, t, g]`` ``(N, 6H)``:
kernel-only, kept for the VJP (no recomputation of the gates, whose ``h W_hh^T`` is a
matmul). Under ``create_graph`` the VJP recomputes them from the inputs with ops, so that
second derivatives flow through them. Without a kernel, the composite (matmul, add,
split, sigmoid, tanh, multiply) runs and returns ``None`` for ``acts``.
"""

from __future__ import annotations

from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []  # lstm_cell is for lucid.nn (its layout differs from torch.lstm_cell)


def _transpose(k, w):
    return k.permute(w, axes=(1, 0))


def _activations(k, xp, h, c, w, b):
    """``A = [i, f, s, o]``, ``tanh(c')`` and ``g`` recomputed from the inputs with ops
    (create_graph)."""
    gates = xp + k.matmul(h, _transpose(k, w))
    if b is not None:
        gates = gates + b
    size = c.shape[-1]
    a_i, a_f, a_g, a_o = k.split(gates, indices=(size, 2 * size, 3 * size), axis=-1)
    i, f, o, g = k.sigmoid(a_i), k.sigmoid(a_f), k.sigmoid(a_o), k.tanh(a_g)
    gates = k.concatenate(i, f, k.sigmoid(a_g * 2), o, axis=-1)
    return gates, k.tanh(f * c + i * g), g


@register
class LSTMCell(Op):
    """``(h', c', acts) = lstm_cell(xp, h, c, W_hh[, b_hh])`` (module docstring); output 2
    is kernel-only (saved for the VJP)."""

    name = "lstm_cell"
    n_outputs = 3

    def check(self, xp, h, c, w_hh, *b_hh):
        ok = c.ndim == 2 and h.ndim == 2 and len(b_hh) <= 1
        if ok:
            n, gates = c.shape[0], 4 * c.shape[1]
            ok = (xp.shape == (n, gates) and h.shape[0] == n
                  and w_hh.shape == (gates, h.shape[1])
                  and all(b.shape == (gates,) for b in b_hh))
        if not ok:
            raise ShapeError(
                f"lstm_cell: expected xp (N, 4H), h (N, P), c (N, H), w_hh (4H, P) and "
                f"b_hh (4H,), got {xp.shape}, {h.shape}, {c.shape}, {w_hh.shape}"
                + "".join(f", {b.shape}" for b in b_hh))
        dtype = xp.dtype
        if not dtype.is_floating_point or any(t.dtype != dtype for t in (h, c, w_hh, *b_hh)):
            raise DTypeError("lstm_cell: all inputs must share one floating dtype")

    def vjp(self, k, node, dh, dc, _):
        xp, h, c, w, *b = k.inputs(node)
        size = node.in_shapes[2][-1]
        if k.graph:
            gates, t, g = _activations(k, xp, h, c, w, b[0] if b else None)
        else:
            gates, t, g = k.split(k.output(node, 2), indices=(4 * size, 5 * size), axis=-1)
        i, f, _, o = k.split(gates, indices=(size, 2 * size, 3 * size), axis=-1)
        dh_o = dh * o
        dc = dc + (dh_o - dh_o * t * t)
        da = k.concatenate(dc * g, dc * c, dc * i * 4, dh * t, axis=-1) * (gates - gates * gates)
        needs = node.needs_grad
        dh_prev = k.matmul(da, w) if needs[1] else None
        dw = k.matmul(_transpose(k, da), h) if needs[3] else None
        grads = [da, dh_prev, dc * f if needs[2] else None, dw]
        if b:
            grads.append(da if needs[4] else None)  # summed over N by the engine
        return tuple(grads)

    def composite(self, xp, h, c, w_hh, *b_hh):
        gates = xp + h @ w_hh.mT
        if b_hh:
            gates = gates + b_hh[0]
        a_i, a_f, a_g, a_o = gates.split(c.shape[-1], dim=-1)
        c_next = a_f.sigmoid() * c + a_i.sigmoid() * a_g.tanh()
        return a_o.sigmoid() * c_next.tanh(), c_next, None


def lstm_cell(xp: Tensor, h: Tensor, c: Tensor, w_hh: Tensor,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step from the input projection ``xp`` (module docstring): returns
    ``(h', c')``. The fused kernel of the serving backend runs when it has one."""
    inputs = (xp, h, c, w_hh) if b_hh is None else (xp, h, c, w_hh, b_hh)
    out = apply("lstm_cell", *inputs)
    return out[0], out[1]
