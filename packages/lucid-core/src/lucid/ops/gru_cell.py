"""``gru_cell``: one GRU time step (after the input projection) as one op.

Inputs: the input projection ``xp = x W_ih^T + b_ih`` ``(N, 3H)`` (all time steps at once,
by the layer), the state ``h`` ``(N, H)``, the recurrent weight ``W_hh`` ``(3H, H)`` and
optionally ``b_hh`` ``(3H,)``. PyTorch's formula, where the reset gate scales the whole
recurrent part of the candidate, bias included::

    [x_r, x_z, x_n] = xp,     [h_r, h_z, h_n] = h W_hh^T + b_hh
    r = sigmoid(x_r + h_r),   z = sigmoid(x_z + h_z),   n = tanh(x_n + r * h_n)
    h' = (1 - z) * n + z * h

VJP, with ``dh'`` the output gradient::

    dn = dh' (1 - z) (1 - n^2),   dr = dn * h_n * r(1 - r),   dz = dh' (h - n) z(1 - z)
    dxp = [dr, dz, dn],   dhp = [dr, dz, dn * r]          (gradient of h W_hh^T + b_hh)
    dh = dh' z + dhp W_hh,   dW_hh = dhp^T h,   db_hh = sum_N dhp

A fused kernel returns ``(h', acts)`` with ``acts = [r, z, n, h_n]`` ``(N, 4H)``,
kernel-only, kept for the VJP; under ``create_graph`` the VJP recomputes them from the
inputs with ops (so second derivatives flow through them). Without a kernel the composite
(matmul, add, split, sigmoid, tanh, multiply) runs and returns ``None`` for ``acts``.
"""

from __future__ import annotations

from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__: list[str] = []  # gru_cell is for lucid.nn (its layout differs from torch.gru_cell)


def _transpose(k, w):
    return k.permute(w, axes=(1, 0))


def _activations(k, xp, h, w, b):
    """``r, z, n, h_n`` recomputed from the inputs with ops (create_graph)."""
    hp = k.matmul(h, _transpose(k, w))
    if b is not None:
        hp = hp + b
    size = h.shape[-1]
    cuts = (size, 2 * size)
    x_r, x_z, x_n = k.split(xp, indices=cuts, axis=-1)
    h_r, h_z, h_n = k.split(hp, indices=cuts, axis=-1)
    r = k.sigmoid(x_r + h_r)
    return r, k.sigmoid(x_z + h_z), k.tanh(x_n + r * h_n), h_n


@register
class GRUCell(Op):
    """``(h', acts) = gru_cell(xp, h, W_hh[, b_hh])`` (module docstring); output 1 is
    kernel-only (saved for the VJP)."""

    name = "gru_cell"
    n_outputs = 2

    def check(self, xp, h, w_hh, *b_hh):
        ok = h.ndim == 2 and len(b_hh) <= 1
        if ok:
            (n, hidden), gates = h.shape, 3 * h.shape[1]
            ok = (xp.shape == (n, gates) and w_hh.shape == (gates, hidden)
                  and all(b.shape == (gates,) for b in b_hh))
        if not ok:
            raise ShapeError(
                f"gru_cell: expected xp (N, 3H), h (N, H), w_hh (3H, H) and b_hh (3H,), got "
                f"{xp.shape}, {h.shape}, {w_hh.shape}" + "".join(f", {b.shape}" for b in b_hh))
        dtype = xp.dtype
        if not dtype.is_floating_point or any(t.dtype != dtype for t in (h, w_hh, *b_hh)):
            raise DTypeError("gru_cell: all inputs must share one floating dtype")

    def vjp(self, k, node, dh, _):
        xp, h, w, *b = k.inputs(node)
        if k.graph:
            r, z, n, h_n = _activations(k, xp, h, w, b[0] if b else None)
        else:
            size = node.in_shapes[1][-1]
            r, z, n, h_n = k.split(k.output(node, 1), indices=(size, 2 * size, 3 * size),
                                   axis=-1)
        dn_out = dh - dh * z
        dn = dn_out - dn_out * n * n
        dr = dn * h_n * r * (1 - r)
        dz = dh * (h - n) * z * (1 - z)
        dxp = k.concatenate(dr, dz, dn, axis=-1)
        dhp = k.concatenate(dr, dz, dn * r, axis=-1)
        needs = node.needs_grad
        dh_prev = dh * z + k.matmul(dhp, w) if needs[1] else None
        dw = k.matmul(_transpose(k, dhp), h) if needs[2] else None
        grads = [dxp, dh_prev, dw]
        if b:
            grads.append(dhp if needs[3] else None)  # summed over N by the engine
        return tuple(grads)

    def composite(self, xp, h, w_hh, *b_hh):
        hp = h @ w_hh.mT
        if b_hh:
            hp = hp + b_hh[0]
        size = h.shape[-1]
        x_r, x_z, x_n = xp.split(size, dim=-1)
        h_r, h_z, h_n = hp.split(size, dim=-1)
        r = (x_r + h_r).sigmoid()
        z = (x_z + h_z).sigmoid()
        n = (x_n + r * h_n).tanh()
        return n + z * (h - n), None


def gru_cell(xp: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None = None) -> Tensor:
    """One GRU step from the input projection ``xp`` (module docstring): returns ``h'``.
    The fused kernel of the serving backend runs when it has one."""
    inputs = (xp, h, w_hh) if b_hh is None else (xp, h, w_hh, b_hh)
    return apply("gru_cell", *inputs)[0]
