"""Fused kernels of ``lstm_cell`` and ``gru_cell``: one recurrent step after the input
projection (formulas in ``lucid.ops.lstm_cell`` / ``lucid.ops.gru_cell``), one lazy MLX
graph per step; ``sigmoid`` through :mod:`._precise` (float64-accurate)."""

from __future__ import annotations

import mlx.core as mx

from lucid_backend_mlx.kernels import _precise
from lucid_backend_mlx.kernels._registry import kernel


@kernel("lstm_cell")
def lstm_cell(xp, h, c, w_hh, b_hh=None):
    """``(h', c', [i, f, sigmoid(2 a_g), o, tanh(c'), g])`` of ``a = xp + h W_hh^T + b_hh``
    (the layout the op's VJP reads)."""
    hidden = c.shape[1]
    gates = xp + h @ w_hh.T if b_hh is None else mx.addmm(xp + b_hh, h, w_hh.T)
    a_i, a_f, a_g, a_o = mx.split(gates, [hidden, 2 * hidden, 3 * hidden], axis=1)
    i, f, o = _precise.sigmoid(a_i), _precise.sigmoid(a_f), _precise.sigmoid(a_o)
    g = mx.tanh(a_g)
    c_next = f * c + i * g
    t = mx.tanh(c_next)
    s = _precise.sigmoid(a_g * 2)
    return o * t, c_next, mx.concatenate([i, f, s, o, t, g], axis=1)


@kernel("gru_cell")
def gru_cell(xp, h, w_hh, b_hh=None):
    """``(h', [r, z, n, h_n])`` with ``[h_r, h_z, h_n] = h W_hh^T + b_hh``."""
    hidden = h.shape[1]
    hp = h @ w_hh.T if b_hh is None else mx.addmm(b_hh, h, w_hh.T)
    x_r, x_z, x_n = mx.split(xp, [hidden, 2 * hidden], axis=1)
    h_r, h_z, h_n = mx.split(hp, [hidden, 2 * hidden], axis=1)
    r = _precise.sigmoid(x_r + h_r)
    z = _precise.sigmoid(x_z + h_z)
    n = mx.tanh(x_n + r * h_n)
    return n + z * (h - n), mx.concatenate([r, z, n, h_n], axis=1)
