"""Cases of the fused ops: layer_norm, lstm_cell, gru_cell, scaled_dot_product_attention,
linear.

Each op's kernel returns kernel-only outputs (statistics, activations, weights) after the
visible ones, so its cases call the op through :class:`Visible`, which keeps the visible
outputs. References are the formulas in plain NumPy float64; the fused-vs-composite
suite (``test_fused.py``) reuses these cases' inputs and parameters.
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid.ops.registry import apply
from lucid.testing.case import case


class Visible:
    """``apply(op, *tensors, **params)`` cut to its first ``count`` outputs (the visible
    ones): the raw op, without its kernel-only outputs."""

    def __init__(self, op: str, count: int) -> None:
        self.op, self.count = op, count

    def __call__(self, *tensors, **params):
        out = apply(self.op, *tensors, **params)[:self.count]
        return out[0] if self.count == 1 else out


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# -- layer_norm ------------------------------------------------------------------------------
def ref_layer_norm(x, weight, bias, eps):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def _ln_inputs(shape, norm_ndim):
    def make(rng):
        norm = shape[len(shape) - norm_ndim:]
        return [rng.standard_normal(shape) * 2 + 1, rng.uniform(0.5, 1.5, norm),
                rng.standard_normal(norm)]
    return make


case("layer_norm", _ln_inputs((4, 6), 1), ref_layer_norm, params={"eps": 1e-5},
     call=Visible("layer_norm", 1))
case("layer_norm", _ln_inputs((2, 3, 5), 2), ref_layer_norm, name="two-dims",
     params={"eps": 1e-3}, call=Visible("layer_norm", 1))
case("layer_norm", lambda rng: [rng.standard_normal((3, 4))],
     lambda x: ref_layer_norm(x, np.ones(4), np.zeros(4), 1e-5), name="public-no-affine",
     call=lambda x: lucid.layer_norm(x, 4))


# -- lstm_cell -------------------------------------------------------------------------------
def ref_lstm_cell(xp, h, c, w_hh, b_hh=None):
    gates = xp + h @ w_hh.T + (0.0 if b_hh is None else b_hh)
    a_i, a_f, a_g, a_o = np.split(gates, 4, axis=1)
    c_next = _sigmoid(a_f) * c + _sigmoid(a_i) * np.tanh(a_g)
    return _sigmoid(a_o) * np.tanh(c_next), c_next


def _lstm_inputs(n, hidden, proj=None, bias=True):
    def make(rng):
        p = proj or hidden
        arrays = [rng.standard_normal((n, 4 * hidden)), rng.standard_normal((n, p)),
                  rng.standard_normal((n, hidden)), rng.standard_normal((4 * hidden, p)) * 0.5]
        return arrays + ([rng.standard_normal(4 * hidden)] if bias else [])
    return make


case("lstm_cell", _lstm_inputs(3, 4), ref_lstm_cell, call=Visible("lstm_cell", 2))
case("lstm_cell", _lstm_inputs(2, 3, bias=False), ref_lstm_cell, name="no-bias",
     call=Visible("lstm_cell", 2))
case("lstm_cell", _lstm_inputs(2, 4, proj=2), ref_lstm_cell, name="projected-state",
     call=Visible("lstm_cell", 2))


# -- gru_cell --------------------------------------------------------------------------------
def ref_gru_cell(xp, h, w_hh, b_hh=None):
    hp = h @ w_hh.T + (0.0 if b_hh is None else b_hh)
    x_r, x_z, x_n = np.split(xp, 3, axis=1)
    h_r, h_z, h_n = np.split(hp, 3, axis=1)
    r, z = _sigmoid(x_r + h_r), _sigmoid(x_z + h_z)
    n = np.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


def _gru_inputs(n, hidden, bias=True):
    def make(rng):
        arrays = [rng.standard_normal((n, 3 * hidden)), rng.standard_normal((n, hidden)),
                  rng.standard_normal((3 * hidden, hidden)) * 0.5]
        return arrays + ([rng.standard_normal(3 * hidden)] if bias else [])
    return make


case("gru_cell", _gru_inputs(3, 4), ref_gru_cell, call=Visible("gru_cell", 1))
case("gru_cell", _gru_inputs(2, 3, bias=False), ref_gru_cell, name="no-bias",
     call=Visible("gru_cell", 1))


# -- scaled_dot_product_attention ------------------------------------------------------------
def ref_attention(q, k, v, mask=None, *, scale, is_causal):
    s = q @ np.swapaxes(k, -1, -2) * scale
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], dtype=bool)), s, -np.inf)
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    p = np.zeros(s.shape)
    for row in np.ndindex(*s.shape[:-1]):
        if np.isfinite(s[row]).any():  # a row with every key masked keeps zero weights
            e = np.exp(s[row] - s[row].max())
            p[row] = e / e.sum()
    return p @ v


def _qkv(q_shape, k_shape, v_dim, mask=None):
    def make(rng):
        arrays = [rng.standard_normal(q_shape), rng.standard_normal(k_shape),
                  rng.standard_normal(k_shape[:-1] + (v_dim,))]
        if mask == "float":
            arrays.append(rng.standard_normal(q_shape[-2:-1] + k_shape[-2:-1]))
        elif mask == "bool":
            keep = rng.random(q_shape[:-1] + k_shape[-2:-1]) > 0.4
            keep[..., 0, :] = False  # one query row sees no key at all
            keep[..., 1, 0] = True
            arrays.append(keep)
        return arrays
    return make


_ATTN = Visible("scaled_dot_product_attention", 1)
case("scaled_dot_product_attention", _qkv((2, 3, 4, 5), (2, 3, 6, 5), 3), ref_attention,
     params={"scale": 0.4, "is_causal": False}, call=_ATTN)
case("scaled_dot_product_attention", _qkv((2, 5, 4), (2, 3, 4), 2), ref_attention,
     name="causal", params={"scale": 0.5, "is_causal": True}, call=_ATTN)
case("scaled_dot_product_attention", _qkv((2, 3, 4, 5), (2, 1, 6, 5), 3, "float"),
     ref_attention, name="float-mask-broadcast", params={"scale": 0.3, "is_causal": False},
     call=_ATTN)
case("scaled_dot_product_attention", _qkv((2, 4, 3), (2, 5, 3), 2, "bool"), ref_attention,
     name="bool-mask-empty-row", params={"scale": 0.6, "is_causal": False}, call=_ATTN)
case("scaled_dot_product_attention", _qkv((3, 4), (5, 4), 2), ref_attention, name="2d",
     params={"scale": 0.5, "is_causal": False}, call=_ATTN)


# -- linear ----------------------------------------------------------------------------------
def ref_linear(x, w, b=None):
    return x @ w.T + (0.0 if b is None else b)


def _linear_inputs(n, features_in, features_out, bias=True):
    def make(rng):
        arrays = [rng.standard_normal((n, features_in)),
                  rng.standard_normal((features_out, features_in))]
        return arrays + ([rng.standard_normal(features_out)] if bias else [])
    return make


case("linear", _linear_inputs(5, 4, 3), ref_linear)
case("linear", _linear_inputs(2, 3, 6, bias=False), ref_linear, name="no-bias")
case("linear", _linear_inputs(1, 1, 1), ref_linear, name="one-by-one")
