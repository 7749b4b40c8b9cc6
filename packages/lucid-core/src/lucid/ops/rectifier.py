"""The rectifier ``relu``: one op instead of a comparison, a constant and a ``where``.

``y = max(x, 0)`` (NaN stays NaN, as in PyTorch); ``dx = 0`` where ``y <= 0``, else ``dy``
(the gradient at 0 is 0 and at NaN passes through, as PyTorch's). The VJP reads only the
output. Backends without a ``relu`` kernel run the composite ``maximum(x, 0)``.
"""

from __future__ import annotations

from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor, tensor_method

__all__ = ["relu"]


@register
class ReLU(Op):
    """``y = max(x, 0)``; ``dx = 0 if y <= 0 else dy``."""

    name = "relu"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        return k.where(k.le(k.output(node), 0), 0, g)

    def composite(self, x):
        from lucid.ops.rounding_clamping import maximum

        return maximum(x, 0.0)


@tensor_method("relu")
def relu(x: Tensor) -> Tensor:
    """Elementwise ``max(x, 0)``; NaN propagates.

    >>> lucid.relu(lucid.tensor([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 2.0]
    """
    return apply("relu", x)
