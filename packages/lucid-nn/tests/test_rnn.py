"""RNN, LSTM, GRU and their cells: shapes, parameter names, init range, one step against
NumPy written out by hand, bidirectional/batch_first layout, dropout between layers,
errors, gradients against finite differences, and an LSTM language model that learns."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.nn as nn
from lucid.errors import ShapeError


def params(module) -> dict[str, np.ndarray]:
    return {k: v.numpy().astype(np.float64) for k, v in module.state_dict().items()}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def randn(*shape, seed=0, requires_grad=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    return lucid.tensor(a.astype(np.float32), requires_grad=requires_grad)


# -- names, shapes, init -----------------------------------------------------------------

def test_lstm_parameter_names_and_shapes():
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    shapes = {k: v.shape for k, v in lstm.state_dict().items()}
    want = {}
    for layer, layer_in in ((0, 3), (1, 4)):
        for sfx in ("", "_reverse"):
            want[f"weight_ih_l{layer}{sfx}"] = (20, layer_in)
            want[f"weight_hh_l{layer}{sfx}"] = (20, 2)
            want[f"bias_ih_l{layer}{sfx}"] = (20,)
            want[f"bias_hh_l{layer}{sfx}"] = (20,)
            want[f"weight_hr_l{layer}{sfx}"] = (2, 5)
    assert shapes == want
    assert list(shapes)[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                "weight_hr_l0"]
    assert len(lstm.all_weights) == 4 and len(lstm.all_weights[0]) == 5


@pytest.mark.parametrize("cls,gates", [(nn.RNN, 1), (nn.GRU, 3), (nn.LSTM, 4)])
def test_gate_sizes_and_no_bias(cls, gates):
    layer = cls(4, 7, bias=False)
    assert {k: v.shape for k, v in layer.state_dict().items()} == {
        "weight_ih_l0": (gates * 7, 4), "weight_hh_l0": (gates * 7, 7)}


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM, nn.RNNCell, nn.GRUCell, nn.LSTMCell])
def test_init_is_uniform_in_one_over_sqrt_hidden(cls):
    lucid.manual_seed(0)
    layer = cls(10, 25)
    bound = 1 / math.sqrt(25)
    values = np.concatenate([p.numpy().ravel() for p in layer.parameters()])
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.9 * bound  # fills the whole range
    assert abs(values.mean()) < 0.02


def test_cell_parameter_names():
    assert list(nn.LSTMCell(3, 4).state_dict()) == ["weight_ih", "weight_hh", "bias_ih",
                                                    "bias_hh"]
    assert nn.GRUCell(3, 4).weight_ih.shape == (12, 3)
    assert nn.RNNCell(3, 4, bias=False).bias_ih is None


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_output_shapes(cls, batch_first, bidirectional):
    layer = cls(3, 5, num_layers=2, batch_first=batch_first, bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    x = randn(4, 6, 3)  # (L, N) = (4, 6), or (N, L) = (4, 6) if batch_first
    out, state = layer(x)
    assert out.shape == (4, 6, d * 5)
    batch = 4 if batch_first else 6
    states = state if isinstance(state, tuple) else (state,)
    for s in states:
        assert s.shape == (2 * d, batch, 5)
    # unbatched input (L, H_in)
    out, state = layer(randn(4, 3))
    assert out.shape == (4, d * 5)
    states = state if isinstance(state, tuple) else (state,)
    assert all(s.shape == (2 * d, 5) for s in states)


def test_lstm_proj_shapes():
    lstm = nn.LSTM(3, 6, proj_size=2, num_layers=2, bidirectional=True)
    out, (h, c) = lstm(randn(4, 5, 3))
    assert out.shape == (4, 5, 4) and h.shape == (4, 5, 2) and c.shape == (4, 5, 6)


# -- one step by hand --------------------------------------------------------------------

def test_rnn_one_step_by_hand():
    rnn = nn.RNN(3, 4, nonlinearity="relu")
    x, h0 = randn(1, 2, 3), randn(1, 2, 4, seed=1)
    out, h = rnn(x, h0)
    p = params(rnn)
    pre = (x.numpy()[0] @ p["weight_ih_l0"].T + p["bias_ih_l0"]
           + h0.numpy()[0] @ p["weight_hh_l0"].T + p["bias_hh_l0"])
    np.testing.assert_allclose(out.numpy()[0], np.maximum(pre, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), out.numpy(), rtol=0, atol=0)


def test_lstm_one_step_by_hand():
    lstm = nn.LSTM(3, 4)
    x, h0, c0 = randn(1, 2, 3), randn(1, 2, 4, seed=1), randn(1, 2, 4, seed=2)
    out, (h, c) = lstm(x, (h0, c0))
    p = params(lstm)
    gates = (x.numpy()[0] @ p["weight_ih_l0"].T + p["bias_ih_l0"]
             + h0.numpy()[0] @ p["weight_hh_l0"].T + p["bias_hh_l0"])
    i, f, g, o = (gates[:, k * 4:(k + 1) * 4] for k in range(4))  # order i, f, g, o
    c_want = sigmoid(f) * c0.numpy()[0] + sigmoid(i) * np.tanh(g)
    h_want = sigmoid(o) * np.tanh(c_want)
    np.testing.assert_allclose(c.numpy()[0], c_want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy()[0], h_want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy()[0], h_want, rtol=1e-5, atol=1e-6)


def test_gru_one_step_by_hand():
    gru = nn.GRU(3, 4)
    x, h0 = randn(1, 2, 3), randn(1, 2, 4, seed=1)
    out, h = gru(x, h0)
    p = params(gru)
    xp = x.numpy()[0] @ p["weight_ih_l0"].T + p["bias_ih_l0"]
    hp = h0.numpy()[0] @ p["weight_hh_l0"].T + p["bias_hh_l0"]
    r = sigmoid(xp[:, :4] + hp[:, :4])  # order r, z, n
    z = sigmoid(xp[:, 4:8] + hp[:, 4:8])
    n = np.tanh(xp[:, 8:] + r * hp[:, 8:])
    np.testing.assert_allclose(h.numpy()[0], (1 - z) * n + z * h0.numpy()[0], rtol=1e-5,
                               atol=1e-6)


def test_cells_match_one_layer_step():
    x, h0, c0 = randn(2, 3), randn(2, 4, seed=1), randn(2, 4, seed=2)
    for cell_cls, layer_cls in ((nn.RNNCell, nn.RNN), (nn.GRUCell, nn.GRU),
                                (nn.LSTMCell, nn.LSTM)):
        cell, layer = cell_cls(3, 4), layer_cls(3, 4)
        layer.load_state_dict({k + "_l0": v for k, v in cell.state_dict().items()})
        if cell_cls is nn.LSTMCell:
            h, c = cell(x, (h0, c0))
            _, (h_l, c_l) = layer(x.unsqueeze(0), (h0.unsqueeze(0), c0.unsqueeze(0)))
            np.testing.assert_allclose(c.numpy(), c_l.numpy()[0], rtol=1e-6, atol=1e-7)
        else:
            h = cell(x, h0)
            _, h_l = layer(x.unsqueeze(0), h0.unsqueeze(0))
        np.testing.assert_allclose(h.numpy(), h_l.numpy()[0], rtol=1e-6, atol=1e-7)
    # unbatched cell input, default zero state
    assert nn.GRUCell(3, 4)(randn(3)).shape == (4,)
    h, c = nn.LSTMCell(3, 4)(randn(3))
    assert h.shape == c.shape == (4,)


# -- layout --------------------------------------------------------------------------------

def test_reverse_direction_reads_the_sequence_backwards():
    """The reverse half of a bidirectional RNN equals a forward RNN run on the flipped
    sequence with the ``_reverse`` weights, flipped back."""
    bi = nn.GRU(3, 4, bidirectional=True)
    fwd = nn.GRU(3, 4)
    p = bi.state_dict()
    fwd.load_state_dict({k: p[k + "_reverse"] for k in fwd.state_dict()})
    x = randn(5, 2, 3)
    out, h = bi(x)
    out_rev, h_rev = fwd(x.flip(0))
    np.testing.assert_allclose(out.numpy()[..., 4:], out_rev.flip(0).numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(h.numpy()[1], h_rev.numpy()[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.numpy()[0], out.numpy()[-1, :, :4], rtol=0, atol=0)


def test_batch_first_is_a_transpose():
    a = nn.LSTM(3, 4, num_layers=2)
    b = nn.LSTM(3, 4, num_layers=2, batch_first=True)
    b.load_state_dict(a.state_dict())
    x = randn(5, 2, 3)
    out_a, (h_a, _) = a(x)
    out_b, (h_b, _) = b(x.transpose(0, 1))
    np.testing.assert_allclose(out_b.numpy(), out_a.numpy().transpose(1, 0, 2), rtol=1e-6)
    np.testing.assert_allclose(h_b.numpy(), h_a.numpy(), rtol=1e-6)  # states stay (D*L, N, H)


def test_dropout_between_layers_only_in_training():
    lucid.manual_seed(0)
    rnn = nn.RNN(3, 50, num_layers=2, dropout=0.5)
    x = randn(4, 2, 3)
    rnn.eval()
    a, _ = rnn(x)
    b, _ = rnn(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    rnn.train()
    c, _ = rnn(x)
    assert not np.allclose(c.numpy(), a.numpy())
    with pytest.warns(UserWarning, match="num_layers=1"):
        one = nn.RNN(3, 5, num_layers=1, dropout=0.5)  # a single layer has nothing to drop
    np.testing.assert_array_equal(one(x)[0].numpy(), one.eval()(x)[0].numpy())


# -- errors ---------------------------------------------------------------------------------

def test_errors():
    with pytest.raises(ShapeError, match="input_size"):
        nn.LSTM(3, 4)(randn(5, 2, 7))
    with pytest.raises(ShapeError, match="3 dims"):
        nn.GRU(3, 4)(randn(1, 5, 2, 3))
    with pytest.raises(ShapeError, match=r"\(2, 2, 4\)"):
        nn.RNN(3, 4, num_layers=2)(randn(5, 2, 3), randn(1, 2, 4))
    with pytest.raises(ShapeError, match="c0"):
        nn.LSTM(3, 4)(randn(5, 2, 3), (randn(1, 2, 4), randn(1, 2, 5)))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="proj_size"):
        nn.RNNBase("GRU", 3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="dropout"):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ShapeError, match="hidden state"):
        nn.GRUCell(3, 4)(randn(2, 3), randn(2, 5))


# -- gradients ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
def test_gradients_against_finite_differences(cls):
    """float64, two layers, bidirectional: d(sum(out * r))/d(input and a weight)."""
    layer = cls(2, 3, num_layers=2, bidirectional=True).to("float64")
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((3, 2, 2))
    r = lucid.tensor(rng.standard_normal((3, 2, 6)))

    def loss_of(x_arr, w_arr):
        with lucid.no_grad():
            layer.weight_hh_l0._assign(lucid.tensor(w_arr))
            return float((layer(lucid.tensor(x_arr))[0] * r).sum().item())

    w_np = layer.weight_hh_l0.numpy().copy()
    x = lucid.tensor(x_np, requires_grad=True)
    (layer(x)[0] * r).sum().backward()
    grad_x, grad_w = x.grad.numpy(), layer.weight_hh_l0.grad.numpy()
    eps = 1e-6
    for idx in [(0, 0, 0), (1, 1, 1), (2, 0, 1)]:
        xp, xm = x_np.copy(), x_np.copy()
        xp[idx] += eps
        xm[idx] -= eps
        fd = (loss_of(xp, w_np) - loss_of(xm, w_np)) / (2 * eps)
        assert abs(fd - grad_x[idx]) < 1e-6 * max(1.0, abs(fd))
    for idx in [(0, 0), (2, 1), (grad_w.shape[0] - 1, 2)]:
        wp, wm = w_np.copy(), w_np.copy()
        wp[idx] += eps
        wm[idx] -= eps
        fd = (loss_of(x_np, wp) - loss_of(x_np, wm)) / (2 * eps)
        assert abs(fd - grad_w[idx]) < 1e-6 * max(1.0, abs(fd))


# -- learning ----------------------------------------------------------------------------

class LSTMLanguageModel(nn.Module):
    def __init__(self, vocab: int, embed: int = 8, hidden: int = 16):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.head(out)


def test_lstm_language_model_learns_a_repeating_sequence():
    """Embedding -> LSTM -> Linear predicts the next token of ``0 1 2 3 4 0 1 2 ...``
    (hand-written SGD); the cross-entropy falls from ~log(5) to a fraction of it."""
    lucid.manual_seed(0)
    vocab = 5
    seqs = np.array([[(i + start) % vocab for i in range(13)] for start in (0, 2)])
    inputs, targets = lucid.tensor(seqs[:, :-1]), lucid.tensor(seqs[:, 1:])
    model = LSTMLanguageModel(vocab)
    losses = []
    for _ in range(60):
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1))
        model.zero_grad()
        loss.backward()
        with lucid.no_grad():
            for p in model.parameters():
                p.sub_(p.grad * 0.5)
        losses.append(float(loss.item()))
    assert losses[0] > 1.2
    assert losses[-1] < 0.25 * losses[0], losses[::10]
    predicted = model(inputs).argmax(-1).numpy()
    assert (predicted[:, 3:] == targets.numpy()[:, 3:]).mean() == 1.0
