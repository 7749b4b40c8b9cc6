"""Multi-layer recurrent layers: ``RNN`` (Elman, tanh or relu), ``LSTM`` and ``GRU``.

Each layer runs the cell of :mod:`lucid.nn.rnn_cell` over the time steps; the input
projection ``x_t W_ih^T + b_ih`` of all steps is one matmul, only ``h W_hh^T`` stays in
the time loop. A bidirectional layer runs a second set of weights (suffix ``_reverse``)
from the last step to the first and concatenates both outputs on the feature dim. Layer
``k > 0`` reads the previous layer's output, with dropout between layers in training.

Parameter names and shapes are PyTorch's (so state dicts load by name), for layer ``k``:
``weight_ih_l{k}`` ``(G*H, in)``, ``weight_hh_l{k}`` ``(G*H, H_out)``, ``bias_ih_l{k}``,
``bias_hh_l{k}`` ``(G*H,)`` and, for an LSTM with ``proj_size > 0``, ``weight_hr_l{k}``
``(proj_size, H)``; ``G`` = 1 (RNN), 4 (LSTM: gates i, f, g, o), 3 (GRU: r, z, n),
``H_out = proj_size or hidden_size``. All start as ``U(-1/sqrt(H), 1/sqrt(H))``.
"""

from __future__ import annotations

import math
import warnings

import lucid
from lucid.errors import ShapeError
from lucid.nn import functional as F
from lucid.nn import init
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter
from lucid.nn.rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase, gru_step, lstm_step, rnn_step
from lucid.tensor import Tensor

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """Shared bookkeeping of ``RNN``, ``LSTM`` and ``GRU``: parameters, shape checks,
    layout (``batch_first``, unbatched input) and the loop over layers and directions.

    Args: ``mode`` (``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"``, ``"GRU"``),
    ``input_size``, ``hidden_size``, ``num_layers=1``, ``bias=True``,
    ``batch_first=False``, ``dropout=0.0``, ``bidirectional=False``, ``proj_size=0``
    (LSTM only), ``device=None``, ``dtype=None``.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"RNNBase: unknown mode {mode!r}")
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or \
                not 0 <= dropout <= 1:
            raise ValueError(f"{type(self).__name__}: dropout should be a number in [0, 1], "
                             f"got {dropout!r}")
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{type(self).__name__}: hidden_size and num_layers must be "
                             f"positive, got {hidden_size} and {num_layers}")
        if proj_size < 0 or (proj_size and mode != "LSTM") or \
                (proj_size and proj_size >= hidden_size):
            raise ValueError(f"{type(self).__name__}: proj_size={proj_size} must be 0, or "
                             f"(LSTM only) positive and smaller than hidden_size "
                             f"({hidden_size})")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{type(self).__name__}: dropout={dropout} acts between layers only, "
                          "so it does nothing with num_layers=1", stacklevel=2)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        device = device or "cpu"
        directions = 2 if bidirectional else 1
        out_size = proj_size or hidden_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gate_size, layer_in)),
                          ("weight_hh", (gate_size, out_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + suffix,
                            Parameter(lucid.empty(*shape, dtype=dtype, device=device)))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """Per layer and direction, its parameters in PyTorch's order."""
        per = 4 if self.bias else 2
        per += 1 if self.proj_size else 0
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i:i + per]] for i in range(0, len(names), per)]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    # -- shapes -----------------------------------------------------------------------
    def _layout(self, input: Tensor) -> tuple[Tensor, bool]:
        """The input as ``(L, N, H_in)`` and whether it was unbatched ``(L, H_in)``."""
        name = type(self).__name__
        if input.ndim not in (2, 3):
            raise ShapeError(f"{name}: expected input of 2 (unbatched) or 3 dims, got shape "
                             f"{input.shape}")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input has {input.shape[-1]} features, expected "
                             f"input_size={self.input_size} (shape {input.shape})")
        if input.ndim == 2:
            return input.unsqueeze(1), True
        return (input.transpose(0, 1) if self.batch_first else input), False

    def _state(self, state: Tensor | None, size: int, batch: int, unbatched: bool,
               like: Tensor, what: str) -> Tensor:
        """An initial state as ``(D*num_layers, N, size)`` (zeros when ``None``)."""
        expected = (self.num_layers * (2 if self.bidirectional else 1), batch, size)
        if state is None:
            return lucid.zeros(expected, dtype=like.dtype, device=like.device)
        if unbatched:
            if state.ndim != 2:
                raise ShapeError(f"{type(self).__name__}: for unbatched input {what} must "
                                 f"have 2 dims, got shape {state.shape}")
            state = state.unsqueeze(1)
        if state.shape != expected:
            raise ShapeError(f"{type(self).__name__}: expected {what} of shape {expected}, "
                             f"got {state.shape}")
        return state

    # -- the recurrence ---------------------------------------------------------------
    def _step(self, xp: Tensor, state, w_hh, b_hh, w_hr):
        """One cell step; ``state`` is ``h`` or ``(h, c)``; returns ``(output, state)``."""
        if self.mode == "LSTM":
            h, c = lstm_step(xp, state[0], state[1], w_hh, b_hh, w_hr)
            return h, (h, c)
        if self.mode == "GRU":
            h = gru_step(xp, state, w_hh, b_hh)
        else:
            h = rnn_step(xp, state, w_hh, b_hh, "tanh" if self.mode == "RNN_TANH" else "relu")
        return h, h

    def _run_direction(self, x: Tensor, state, layer: int, reverse: bool):
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        w_ih = getattr(self, "weight_ih" + suffix)
        b_ih = getattr(self, "bias_ih" + suffix) if self.bias else None
        w_hh = getattr(self, "weight_hh" + suffix)
        b_hh = getattr(self, "bias_hh" + suffix) if self.bias else None
        w_hr = getattr(self, "weight_hr" + suffix) if self.proj_size else None
        # the input projection of every step at once, as one 2-D matmul (L*N, in) @ (in, G*H)
        length, batch = x.shape[:2]
        xp = x.reshape(length * batch, x.shape[2]) @ w_ih.mT
        if b_ih is not None:
            if self.mode != "GRU":  # b_hh is only added: fold it in once (GRU scales b_hn)
                b_ih, b_hh = b_ih + b_hh, None
            xp = xp + b_ih
        xp = xp.reshape(length, batch, xp.shape[1])
        steps = lucid.unbind(xp, 0)
        order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
        outputs: list[Tensor | None] = [None] * len(steps)
        for t in order:
            outputs[t], state = self._step(steps[t], state, w_hh, b_hh, w_hr)
        return lucid.stack(outputs, 0), state

    def _run(self, x: Tensor, h0: Tensor, c0: Tensor | None):
        """All layers and directions over ``x (L, N, H_in)``; returns the last layer's
        output ``(L, N, D*H_out)`` and the final states ``(D*num_layers, N, *)``."""
        directions = 2 if self.bidirectional else 1
        h_last, c_last = [], []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                i = layer * directions + direction
                state = (h0[i], c0[i]) if c0 is not None else h0[i]
                out, state = self._run_direction(x, state, layer, direction == 1)
                outs.append(out)
                if c0 is not None:
                    h_last.append(state[0])
                    c_last.append(state[1])
                else:
                    h_last.append(state)
            x = outs[0] if directions == 1 else lucid.cat(outs, dim=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        h_n = lucid.stack(h_last, 0)
        c_n = lucid.stack(c_last, 0) if c0 is not None else None
        return x, h_n, c_n

    def _finish(self, output: Tensor, states, unbatched: bool):
        if unbatched:
            return output.squeeze(1), tuple(s.squeeze(1) for s in states)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, states


class RNN(RNNBase):
    """Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)`` per layer,
    ``act`` tanh (default) or relu.

    Args: ``input_size``, ``hidden_size``, ``num_layers=1``, ``nonlinearity="tanh"``,
    ``bias=True``, ``batch_first=False``, ``dropout=0.0``, ``bidirectional=False``.
    Shapes: input ``(L, N, H_in)`` (``(N, L, H_in)`` if ``batch_first``, or ``(L, H_in)``),
    ``h0`` ``(D*num_layers, N, H)``; returns ``output (L, N, D*H)`` and ``h_n`` shaped
    like ``h0``.

    Example::

        rnn = nn.RNN(10, 20, num_layers=2)
        output, h_n = rnn(lucid.randn(5, 3, 10))  # (5, 3, 20), (2, 3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r} (use 'tanh' or "
                             "'relu')")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None):
        x, unbatched = self._layout(input)
        h0 = self._state(hx, self.hidden_size, x.shape[1], unbatched, x, "hx")
        output, h_n, _ = self._run(x, h0, None)
        output, (h_n,) = self._finish(output, (h_n,), unbatched)
        return output, h_n


class LSTM(RNNBase):
    """LSTM. Per layer and step, with ``[i, f, g, o] = x_t W_ih^T + b_ih + h W_hh^T + b_hh``:
    ``c_t = sigmoid(f) * c_(t-1) + sigmoid(i) * tanh(g)``, ``h_t = sigmoid(o) * tanh(c_t)``,
    and ``h_t = h_t W_hr^T`` when ``proj_size > 0``.

    Args: ``input_size``, ``hidden_size``, ``num_layers=1``, ``bias=True``,
    ``batch_first=False``, ``dropout=0.0``, ``bidirectional=False``, ``proj_size=0``.
    ``forward(input, (h0, c0)=None)`` returns ``output, (h_n, c_n)``; ``h`` has
    ``proj_size or hidden_size`` features, ``c`` has ``hidden_size``.

    Example::

        lstm = nn.LSTM(10, 20, batch_first=True)
        output, (h_n, c_n) = lstm(lucid.randn(3, 5, 10))  # (3, 5, 20), (1, 3, 20) x 2
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None):
        x, unbatched = self._layout(input)
        h0, c0 = (None, None) if hx is None else hx
        h0 = self._state(h0, self.proj_size or self.hidden_size, x.shape[1], unbatched, x,
                         "h0")
        c0 = self._state(c0, self.hidden_size, x.shape[1], unbatched, x, "c0")
        output, h_n, c_n = self._run(x, h0, c0)
        output, states = self._finish(output, (h_n, c_n), unbatched)
        return output, states


class GRU(RNNBase):
    """GRU. Per layer and step: ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``,
    ``z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)``,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    Same arguments and shapes as :class:`RNN` (without ``nonlinearity``).

    Example::

        gru = nn.GRU(10, 20, bidirectional=True)
        output, h_n = gru(lucid.randn(5, 3, 10))  # (5, 3, 40), (2, 3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None):
        x, unbatched = self._layout(input)
        h0 = self._state(hx, self.hidden_size, x.shape[1], unbatched, x, "hx")
        output, h_n, _ = self._run(x, h0, None)
        output, (h_n,) = self._finish(output, (h_n,), unbatched)
        return output, h_n
