"""Fused kernels of ``lstm_cell`` and ``gru_cell``: one recurrent step after the input
projection (formulas in ``lucid.ops.lstm_cell`` / ``lucid.ops.gru_cell``).

The gate activations are computed in place on the pre-activation buffer (no per-gate
temporaries) and returned in the one ``acts`` array the op keeps for its VJP.
``sigmoid(a)`` is computed as ``0.5 * tanh(a / 2) + 0.5`` (stable for every ``a``, no
overflow, absolute error of order the machine epsilon; 3x faster than the ``exp`` form).
The recurrent product is formed as ``(W_hh h^T)^T``: OpenBLAS computes the tall
``(4H, N)`` product from the row-major weight 1.5x faster than the wide ``h W_hh^T`` for
a small batch ``N``.
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
    (``g = tanh(a_g) = 2 sigmoid(2 a_g) - 1``: one sigmoid pass over all four gates, on a
    contiguous buffer; in place on a strided view it is 2.5x slower)."""
    hidden = c.shape[1]
    gates = np.add(xp, (w_hh @ h.T).T)
    if b_hh is not None:
        gates += b_hh
    gates[:, 2 * hidden:3 * hidden] *= 2
    _sigmoid_(gates)
    i, f, s, o = (gates[:, j * hidden:(j + 1) * hidden] for j in range(4))
    g = s * 2
    g -= 1
    c_next = f * c
    c_next += i * g
    t = np.tanh(c_next)
    return o * t, c_next, np.concatenate([gates, t, g], axis=1)


@kernel("gru_cell", multi_output=True)
def gru_cell(xp, h, w_hh, b_hh=None):
    """``(h', [r, z, n, h_n])`` with ``[h_r, h_z, h_n] = h W_hh^T + b_hh``."""
    hidden = h.shape[1]
    hp = (w_hh @ h.T).T
    if b_hh is not None:
        hp = hp + b_hh
    rz = np.add(xp[:, :2 * hidden], hp[:, :2 * hidden])
    _sigmoid_(rz)
    r, z = rz[:, :hidden], rz[:, hidden:]
    h_n = np.ascontiguousarray(hp[:, 2 * hidden:])
    cand = r * h_n
    cand += xp[:, 2 * hidden:]
    np.tanh(cand, out=cand)
    h_next = h - cand
    h_next *= z
    h_next += cand
    return h_next, np.concatenate([rz, cand, h_n], axis=1)
