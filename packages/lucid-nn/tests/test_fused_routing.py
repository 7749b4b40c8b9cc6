"""The layers reach core's fused ops (a backend's fused kernel when it has one): each
layer's graph holds the op's node; the composite paths stay for what the ops do not cover
(attention weights requested, dropout on them)."""

import lucid
import lucid.nn as nn
import lucid.nn.functional as F


def _ops(t) -> set:
    """Names of the ops recorded in ``t``'s graph."""
    seen, stack, names = set(), [t._node], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(node.op.name)
        stack.extend(e[0] for e in node.edges if type(e) is tuple)
    return names


def test_layer_norm_is_one_op():
    x = lucid.randn(2, 3, 4, requires_grad=True)
    ops = _ops(nn.LayerNorm(4)(x))
    assert "layer_norm" in ops and "sum" not in ops


def test_recurrent_layers_step_through_the_cell_ops():
    x = lucid.randn(5, 2, 3, requires_grad=True)
    assert "lstm_cell" in _ops(nn.LSTM(3, 4, num_layers=2)(x)[0])
    assert "lstm_cell" in _ops(nn.LSTM(3, 4, proj_size=2)(x)[0])
    assert "gru_cell" in _ops(nn.GRU(3, 4)(x)[0])
    assert "lstm_cell" in _ops(nn.LSTMCell(3, 4)(x[0])[0])
    assert "gru_cell" in _ops(nn.GRUCell(3, 4)(x[0]))


def test_attention_paths():
    q = lucid.randn(2, 2, 5, 4, requires_grad=True)
    assert "scaled_dot_product_attention" in _ops(F.scaled_dot_product_attention(q, q, q))
    dropped = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert "scaled_dot_product_attention" not in _ops(dropped)
    x = lucid.randn(5, 2, 8, requires_grad=True)
    mha = nn.MultiheadAttention(8, 2)
    out, weights = mha(x, x, x, need_weights=False)
    assert weights is None and "scaled_dot_product_attention" in _ops(out)
    out, weights = mha(x, x, x)  # weights requested: the composition that returns them
    assert "scaled_dot_product_attention" not in _ops(out) and weights.shape == (2, 5, 5)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    assert {"scaled_dot_product_attention", "layer_norm"} <= _ops(layer(x))
