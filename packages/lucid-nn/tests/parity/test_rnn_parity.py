"""Parity with torch.nn: RNN (tanh/relu), LSTM (with and without proj_size), GRU and the
three cells. Identical weights, then outputs, final states and the gradients of the input,
the initial states and every parameter are compared (rtol 1e-5 float32, 1e-10 float64)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from nn_parity_helpers import (
    TORCH_DTYPE,
    assert_close,
    compare_outputs_and_backward,
    copy_torch_weights,
)

import lucid
import lucid.nn as nn

DTYPES = ["float32", "float64"]
# torch's own notes on mask types, nested tensors and oneDNN are not about Lucid
pytestmark = pytest.mark.filterwarnings("ignore:.*(mismatched|nested|oneDNN).*:UserWarning")
SEQ, BATCH, IN, HID, PROJ = 5, 3, 4, 6, 3

# (class name, extra kwargs)
MODES = {
    "rnn_tanh": ("RNN", {}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "lstm_proj": ("LSTM", {"proj_size": PROJ}),
    "gru": ("GRU", {}),
}


def _flatten(out):
    """``(output, h_n)`` or ``(output, (h_n, c_n))`` -> list of tensors."""
    output, state = out
    return [output, *state] if isinstance(state, tuple) else [output, state]


def _tensor_pair(a: np.ndarray, dtype: str):
    a = a.astype(dtype)
    return torch.tensor(a, requires_grad=True), lucid.tensor(a, requires_grad=True)


def run_parity(lucid_layer, torch_layer, x: np.ndarray, states, dtype: str,
               train: bool = False) -> None:
    """Forward both layers, compare every output; backward ``sum(out_i * r_i)`` and
    compare the gradients of the input, the initial states and every parameter."""
    torch_layer = torch_layer.to(TORCH_DTYPE[dtype]).train(train)
    lucid_layer = lucid_layer.to(dtype).train(train)
    copy_torch_weights(lucid_layer, torch_layer)
    tx, lx = _tensor_pair(x, dtype)
    t_states, l_states = [], []
    for s in states:
        ts, ls = _tensor_pair(s, dtype)
        t_states.append(ts)
        l_states.append(ls)
    if not states:
        t_args, l_args = (tx,), (lx,)
    elif len(states) == 1:
        t_args, l_args = (tx, t_states[0]), (lx, l_states[0])
    else:
        t_args, l_args = (tx, tuple(t_states)), (lx, tuple(l_states))
    t_outs = _flatten(torch_layer(*t_args))
    l_outs = _flatten(lucid_layer(*l_args))
    rng = np.random.default_rng(1)
    compare_outputs_and_backward(t_outs, l_outs, dtype, rng)
    assert_close(lx.grad.numpy(), tx.grad.numpy(), dtype, "grad of input")
    for i, (ts, ls) in enumerate(zip(t_states, l_states)):
        assert_close(ls.grad.numpy(), ts.grad.numpy(), dtype, f"grad of initial state {i}")
    lucid_params = dict(lucid_layer.named_parameters())
    assert set(lucid_params) == {n for n, _ in torch_layer.named_parameters()}
    for name, p in torch_layer.named_parameters():
        assert lucid_params[name].grad is not None, f"parameter {name} has no gradient"
        assert_close(lucid_params[name].grad.numpy(), p.grad.numpy(), dtype, f"grad of {name}")


def _make(mode: str, **kwargs):
    cls, extra = MODES[mode]
    kwargs = {**extra, **kwargs}
    torch.manual_seed(0)
    return getattr(nn, cls)(IN, HID, **kwargs), getattr(torch.nn, cls)(IN, HID, **kwargs)


def _states(mode, num_layers, directions, batch, rng):
    lead = (num_layers * directions,) + ((batch,) if batch else ())
    h_size = PROJ if mode == "lstm_proj" else HID
    states = [rng.standard_normal(lead + (h_size,))]
    if MODES[mode][0] == "LSTM":
        states.append(rng.standard_normal(lead + (HID,)))
    return states


GRID = list(itertools.product(MODES, [1, 2], [False, True], [False, True], [False, True]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode,num_layers,bidirectional,batch_first,with_state", GRID)
def test_recurrent_layer(mode, num_layers, bidirectional, batch_first, with_state, dtype):
    rng = np.random.default_rng(0)
    lucid_layer, torch_layer = _make(mode, num_layers=num_layers, bidirectional=bidirectional,
                                     batch_first=batch_first)
    x = rng.standard_normal((BATCH, SEQ, IN) if batch_first else (SEQ, BATCH, IN))
    directions = 2 if bidirectional else 1
    states = _states(mode, num_layers, directions, BATCH, rng) if with_state else []
    run_parity(lucid_layer, torch_layer, x, states, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", list(MODES))
def test_no_bias(mode, dtype):
    lucid_layer, torch_layer = _make(mode, bias=False, num_layers=2, bidirectional=True)
    x = np.random.default_rng(2).standard_normal((SEQ, BATCH, IN))
    run_parity(lucid_layer, torch_layer, x, [], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("with_state", [False, True])
def test_unbatched(mode, with_state, dtype):
    rng = np.random.default_rng(3)
    lucid_layer, torch_layer = _make(mode, num_layers=2, bidirectional=True)
    x = rng.standard_normal((SEQ, IN))
    states = _states(mode, 2, 2, None, rng) if with_state else []
    run_parity(lucid_layer, torch_layer, x, states, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", list(MODES))
def test_dropout_layers_in_eval_mode(mode, dtype):
    """``dropout`` between layers is the identity in eval mode, as in torch."""
    lucid_layer, torch_layer = _make(mode, num_layers=3, dropout=0.5)
    x = np.random.default_rng(4).standard_normal((SEQ, BATCH, IN))
    run_parity(lucid_layer, torch_layer, x, [], dtype, train=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_long_sequence(dtype):
    """40 steps: errors do not build up through the recurrence."""
    lucid_layer, torch_layer = _make("lstm", num_layers=2, bidirectional=True)
    x = np.random.default_rng(5).standard_normal((40, 2, IN))
    run_parity(lucid_layer, torch_layer, x, [], dtype)


CELLS = {"rnn_tanh": ("RNNCell", {}), "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}),
         "lstm": ("LSTMCell", {}), "gru": ("GRUCell", {})}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cell(cell, bias, batched, with_state, dtype):
    cls, extra = CELLS[cell]
    torch.manual_seed(0)
    lucid_cell = getattr(nn, cls)(IN, HID, bias=bias, **extra)
    torch_cell = getattr(torch.nn, cls)(IN, HID, bias=bias, **extra)
    torch_cell = torch_cell.to(TORCH_DTYPE[dtype])
    lucid_cell = lucid_cell.to(dtype)
    copy_torch_weights(lucid_cell, torch_cell)
    rng = np.random.default_rng(6)
    lead = (BATCH,) if batched else ()
    tx, lx = _tensor_pair(rng.standard_normal(lead + (IN,)), dtype)
    n_states = 2 if cls == "LSTMCell" else 1
    pairs = [_tensor_pair(rng.standard_normal(lead + (HID,)), dtype) for _ in range(n_states)]
    if not with_state:
        t_out, l_out = torch_cell(tx), lucid_cell(lx)
    elif n_states == 1:
        t_out, l_out = torch_cell(tx, pairs[0][0]), lucid_cell(lx, pairs[0][1])
    else:
        t_out = torch_cell(tx, tuple(p[0] for p in pairs))
        l_out = lucid_cell(lx, tuple(p[1] for p in pairs))
    t_out = list(t_out) if isinstance(t_out, tuple) else [t_out]
    l_out = list(l_out) if isinstance(l_out, tuple) else [l_out]
    compare_outputs_and_backward(t_out, l_out, dtype, rng)
    assert_close(lx.grad.numpy(), tx.grad.numpy(), dtype, "grad of input")
    if with_state:
        for t, lt in pairs:
            assert_close(lt.grad.numpy(), t.grad.numpy(), dtype, "grad of state")
    lucid_params = dict(lucid_cell.named_parameters())
    for name, p in torch_cell.named_parameters():
        assert_close(lucid_params[name].grad.numpy(), p.grad.numpy(), dtype, f"grad of {name}")


@pytest.mark.parametrize("mode", list(MODES))
def test_state_dict_round_trip_to_torch(mode):
    """A Lucid state dict loads into torch (same keys and shapes) and gives torch's output."""
    lucid_layer, torch_layer = _make(mode, num_layers=2, bidirectional=True)
    state = {k: torch.tensor(v.numpy()) for k, v in lucid_layer.state_dict().items()}
    torch_layer.load_state_dict(state)
    x = np.random.default_rng(7).standard_normal((SEQ, BATCH, IN)).astype("float32")
    want = torch_layer(torch.tensor(x))[0].detach().numpy()
    assert_close(lucid_layer(lucid.tensor(x))[0].numpy(), want, "float32", "output")
