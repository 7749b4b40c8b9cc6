"""``OpCase``: one conformance check of one op, and the ``CASES`` table they fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CASES: dict[str, list[OpCase]] = {}


@dataclass
class OpCase:
    """Inputs, parameters and an independent NumPy float64 reference for one op.

    ``inputs(rng)`` returns NumPy arrays (float64 for floating inputs); ``reference``
    computes the expected output(s) from them with plain NumPy. ``call``, when given,
    is the public function to run instead of the raw op (``call(*tensors, **params)``).
    ``grad_inputs`` are the input positions whose gradient is checked against central
    finite differences (default: every floating input) - empty for non-differentiable ops.
    """

    op: str
    inputs: Callable[[np.random.Generator], list[np.ndarray]]
    reference: Callable[..., Any]
    params: dict = field(default_factory=dict)
    name: str = ""
    call: Callable[..., Any] | None = None
    grad_inputs: tuple[int, ...] | None = None
    differentiable: bool = True
    rtol: float = 1e-6
    atol: float = 1e-8
    float32: bool = True  # also check the forward in float32 (looser tolerance)

    @property
    def id(self) -> str:
        return f"{self.op}-{self.name}" if self.name else self.op


def case(op: str, inputs, reference, **kwargs) -> OpCase:
    """Create an :class:`OpCase` and add it to :data:`CASES`."""
    if not callable(inputs):
        fixed = inputs
        inputs = lambda rng: [np.array(a) for a in fixed]  # noqa: E731
    c = OpCase(op, inputs, reference, **kwargs)
    CASES.setdefault(op, []).append(c)
    return c


def randn(*shape):
    """An ``inputs`` helper: a single float64 standard-normal input of ``shape``."""
    return lambda rng: [rng.standard_normal(shape)]


def positive(*shape, low=0.5, high=2.0):
    """A single float64 input uniform in ``[low, high)``."""
    return lambda rng: [rng.uniform(low, high, size=shape)]
