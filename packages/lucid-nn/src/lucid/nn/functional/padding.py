"""``pad`` with PyTorch's pad tuple: pairs from the last dim backwards.

``pad(x, (1, 2))`` pads the last dim by 1 before and 2 after; ``(1, 2, 3, 4)`` also pads
the second-to-last dim by 3 and 4. Modes: ``constant`` (with ``value``; negative widths
crop), ``reflect``, ``replicate``, ``circular``. The NumPy spelling is ``lucid.pad``.
"""

from __future__ import annotations

import lucid
from lucid.tensor import Tensor

__all__ = ["pad", "torch_pad_to_widths"]

_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
          "circular": "wrap"}


def torch_pad_to_widths(pad, ndim: int, op: str = "pad") -> tuple[tuple[int, int], ...]:
    """``(l_last, r_last, l_prev, r_prev, ...)`` -> NumPy widths, one pair per dim."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ValueError(f"{op}: padding length {len(pad)} must be even and at most twice "
                         f"the number of dims ({ndim})")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    return tuple([(0, 0)] * (ndim - len(pairs)) + pairs[::-1])


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad ``input`` by the PyTorch pad tuple ``pad`` in ``mode``."""
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    widths = torch_pad_to_widths(pad, input.ndim)
    if mode == "constant":
        return lucid.pad(input, widths, mode="constant", constant_values=value or 0.0)
    if value:
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in a value argument")
    return lucid.pad(input, widths, mode=_MODES[mode])
