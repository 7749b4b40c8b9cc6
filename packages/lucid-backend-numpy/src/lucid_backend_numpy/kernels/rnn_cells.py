"""Fused kernels of ``lstm_cell`` and ``gru_cell``: one recurrent step after the input
projection (formulas in ``lucid.ops.lstm_cell`` / ``lucid.ops.gru_cell``).

The gate activations are written into the one ``acts`` buffer the op keeps for its VJP,
in place, block by block: no per-gate temporaries. ``sigmoid(a)`` is computed as
``0.5 * tanh(a / 2) + 0.5`` (stable for every ``a``, no overflow, absolute error of order
the machine epsilon; 3x faster than the ``exp`` form on the gate blocks). The recurrent
product is formed as ``(W_hh h^T)^T``: OpenBLAS computes the tall ``(4H, N)`` product from
the row-major weight 1.5x faster than the wide ``h W_hh^T`` for a small batch ``N``.
"""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import kernel


def _sigmoid_(a):
    """``sigmoid(a)`` in place (``a`` may be a strided view)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


@kernel("lstm_cell", multi_output=True)
def lstm_cell(xp, h, c, w_hh, b_hh=None):
    """``(h', c', [i, f, sigmoid(2 a_g), o, tanh(c'), g])`` of ``a = xp + h W_hh^T + b_hh``
    (``g = tanh(a_g) = 2 sigmoid(2 a_g) - 1``: one sigmoid pass over all four gates)."""
    n, hidden = c.shape
    acts = np.empty((n, 6 * hidden), dtype=xp.dtype)
    gates = acts[:, :4 * hidden]
    np.add(xp, (w_hh @ h.T).T, out=gates)
    if b_hh is not None:
        gates += b_hh
    gates[:, 2 * hidden:3 * hidden] *= 2
    _sigmoid_(gates)
    i, f, s, o = (gates[:, j * hidden:(j + 1) * hidden] for j in range(4))
    g = acts[:, 5 * hidden:]
    np.multiply(s, 2, out=g)
    g -= 1
    c_next = f * c
    c_next += i * g
    t = acts[:, 4 * hidden:5 * hidden]
    np.tanh(c_next, out=t)
    return o * t, c_next, acts


@kernel("gru_cell", multi_output=True)
def gru_cell(xp, h, w_hh, b_hh=None):
    """``(h', [r, z, n, h_n])`` with ``[h_r, h_z, h_n] = h W_hh^T + b_hh``."""
    n, hidden = h.shape
    hp = (w_hh @ h.T).T
    if b_hh is not None:
        hp = hp + b_hh
    acts = np.empty((n, 4 * hidden), dtype=xp.dtype)
    rz = acts[:, :2 * hidden]
    np.add(xp[:, :2 * hidden], hp[:, :2 * hidden], out=rz)
    _sigmoid_(rz)
    r, z = rz[:, :hidden], rz[:, hidden:]
    h_n = acts[:, 3 * hidden:]
    h_n[...] = hp[:, 2 * hidden:]
    cand = acts[:, 2 * hidden:3 * hidden]
    np.multiply(r, h_n, out=cand)
    cand += xp[:, 2 * hidden:]
    np.tanh(cand, out=cand)
    h_next = h - cand
    h_next *= z
    h_next += cand
    return h_next, acts
