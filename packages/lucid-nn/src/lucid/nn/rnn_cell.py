"""One time step of the recurrent layers: ``RNNCell``, ``LSTMCell``, ``GRUCell``.

The step functions (``rnn_step``, ``lstm_step``, ``gru_step``) take the input projection
``xp = x W_ih^T + b_ih`` already computed, so that the multi-step layers in
:mod:`lucid.nn.rnn` project every time step with one matmul and call the same code. Every
parameter is initialised from ``U(-k, k)``, ``k = 1/sqrt(hidden_size)``, as in PyTorch.
"""

from __future__ import annotations

import math

import lucid
from lucid.errors import ShapeError
from lucid.nn import init
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter
from lucid.ops.gru_cell import gru_cell
from lucid.ops.lstm_cell import lstm_cell
from lucid.tensor import Tensor

__all__ = ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _project(h: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    out = h @ weight.mT
    return out + bias if bias is not None else out


def rnn_step(xp: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None,
             nonlinearity: str = "tanh") -> Tensor:
    """``h' = act(xp + h W_hh^T + b_hh)`` with ``act`` tanh or relu."""
    pre = xp + _project(h, w_hh, b_hh)
    if nonlinearity == "tanh":
        return pre.tanh()
    return lucid.where(pre > 0, pre, 0.0)


def lstm_step(xp: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor | None,
              w_hr: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Gates ``i, f, g, o`` (in that order along the last dim) of
    ``xp + h W_hh^T + b_hh``; ``c' = sigmoid(f) c + sigmoid(i) tanh(g)``,
    ``h' = sigmoid(o) tanh(c')``, then ``h' = h' W_hr^T`` when projecting. Core's
    ``lstm_cell`` op: the backend's fused kernel when it has one, else its composite."""
    h_next, c_next = lstm_cell(xp, h, c, w_hh, b_hh)
    if w_hr is not None:
        h_next = h_next @ w_hr.mT
    return h_next, c_next


def gru_step(xp: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """Gates ``r, z, n`` (in that order): ``r = sigmoid(x_r + h_r)``,
    ``z = sigmoid(x_z + h_z)``, ``n = tanh(x_n + r * h_n)``, ``h' = (1 - z) n + z h``,
    where ``x_* = xp`` parts and ``h_* = h W_h*^T + b_h*`` parts. Core's ``gru_cell``
    op: the backend's fused kernel when it has one, else its composite."""
    return gru_cell(xp, h, w_hh, b_hh)


class RNNCellBase(Module):
    """Parameters ``weight_ih (gates*hidden, input)``, ``weight_hh (gates*hidden, hidden)``,
    ``bias_ih``, ``bias_hh`` (``gates*hidden``), all ``U(-1/sqrt(hidden), 1/sqrt(hidden))``."""

    _gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        device = device or "cpu"
        gate_size = self._gates * hidden_size
        self.weight_ih = Parameter(lucid.empty(gate_size, input_size, dtype=dtype,
                                               device=device))
        self.weight_hh = Parameter(lucid.empty(gate_size, hidden_size, dtype=dtype,
                                               device=device))
        if bias:
            self.bias_ih = Parameter(lucid.empty(gate_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(lucid.empty(gate_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity!r}"
        return s

    def _prepare(self, input: Tensor, hx: Tensor | None, name: str):
        """Check shapes; return the (batched) input, state and whether to unbatch."""
        if input.ndim not in (1, 2):
            raise ShapeError(f"{name}: expected input of 1 or 2 dims, got shape {input.shape}")
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input has {input.shape[-1]} features, expected "
                             f"input_size={self.input_size} (shape {input.shape})")
        unbatched = input.ndim == 1
        if unbatched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = lucid.zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                             device=input.device)
        else:
            if unbatched:
                hx = hx.unsqueeze(0)
            if hx.shape != (input.shape[0], self.hidden_size):
                raise ShapeError(f"{name}: hidden state has shape {hx.shape}, expected "
                                 f"{(input.shape[0], self.hidden_size)}")
        return input, hx, unbatched

    def _input_projection(self, input: Tensor) -> Tensor:
        return _project(input, self.weight_ih, self.bias_ih)


class RNNCell(RNNCellBase):
    """Elman cell: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``, ``act`` ``"tanh"``
    (default) or ``"relu"``.

    Shapes: input ``(N, input_size)`` or ``(input_size,)``, ``hx`` the same with
    ``hidden_size`` (zeros when omitted); returns ``h'`` shaped like ``hx``.

    Example::

        cell = nn.RNNCell(10, 20)
        h = cell(lucid.randn(3, 10))  # (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r} "
                             "(use 'tanh' or 'relu')")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, unbatched = self._prepare(input, hx, "RNNCell")
        h = rnn_step(self._input_projection(x), h, self.weight_hh, self.bias_hh,
                     self.nonlinearity)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """LSTM cell. With ``[i, f, g, o] = x W_ih^T + b_ih + h W_hh^T + b_hh``:
    ``c' = sigmoid(f) * c + sigmoid(i) * tanh(g)``, ``h' = sigmoid(o) * tanh(c')``.

    ``forward(input, hx=None)`` with ``hx = (h, c)``; returns ``(h', c')``.

    Example::

        cell = nn.LSTMCell(10, 20)
        h, c = cell(lucid.randn(3, 10))
    """

    _gates = 4

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None):
        h0, c0 = (None, None) if hx is None else hx
        x, h, unbatched = self._prepare(input, h0, "LSTMCell")
        _, c, _ = self._prepare(input, c0, "LSTMCell")
        h, c = lstm_step(self._input_projection(x), h, c, self.weight_hh, self.bias_hh)
        if unbatched:
            return h.squeeze(0), c.squeeze(0)
        return h, c


class GRUCell(RNNCellBase):
    """GRU cell: ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``,
    ``z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)``,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.

    Example::

        cell = nn.GRUCell(10, 20)
        h = cell(lucid.randn(3, 10))  # (3, 20)
    """

    _gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, unbatched = self._prepare(input, hx, "GRUCell")
        h = gru_step(self._input_projection(x), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h
