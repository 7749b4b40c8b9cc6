"""Small tensor helpers shared by the optimizers, written with Lucid ops only.

Each helper uses the core op of the same name when core has it (``lucid.sqrt``,
``lucid.abs``, ...) and otherwise an equivalent composition of ops that every backend
has (``pow``, ``where``, comparisons), so the optimizers never touch NumPy and run on
any backend. Vectors of LBFGS are lists of per-parameter tensors; ``dot`` and ``max_abs``
reduce over such lists to Python floats.
"""

from __future__ import annotations

import lucid
from lucid import Tensor


def _core(name: str):
    fn = getattr(lucid, name, None)
    return fn if callable(fn) else None


def sqrt(x: Tensor) -> Tensor:
    """Elementwise ``sqrt(x)``."""
    fn = _core("sqrt")
    return fn(x) if fn is not None else x ** 0.5


def abs_(x: Tensor) -> Tensor:
    """Elementwise ``|x|``."""
    fn = _core("abs")
    return fn(x) if fn is not None else lucid.where(x < 0, -x, x)


def sign(x: Tensor) -> Tensor:
    """Elementwise ``sign(x)`` in ``{-1, 0, 1}``, in the dtype of ``x``."""
    fn = _core("sign")
    if fn is not None:
        return fn(x)
    one, zero = lucid.ones_like(x), lucid.zeros_like(x)
    return lucid.where(x > 0, one, lucid.where(x < 0, -one, zero))


def maximum(x: Tensor, y: Tensor) -> Tensor:
    """Elementwise ``max(x, y)``."""
    fn = _core("maximum")
    return fn(x, y) if fn is not None else lucid.where(x >= y, x, y)


def clamp(x: Tensor, low: float, high: float) -> Tensor:
    """Elementwise ``min(max(x, low), high)`` for Python-float bounds."""
    low_t, high_t = lucid.full_like(x, low), lucid.full_like(x, high)
    return lucid.where(x < low_t, low_t, lucid.where(x > high_t, high_t, x))


def dot(xs: list[Tensor], ys: list[Tensor]) -> float:
    """``sum_i <x_i, y_i>`` over two lists of same-shaped tensors, as a Python float."""
    total = None
    for x, y in zip(xs, ys):
        part = (x * y).sum()
        total = part if total is None else total + part
    return 0.0 if total is None else float(total.item())


def abs_sum(xs: list[Tensor]) -> float:
    """``sum_i sum |x_i|`` as a Python float."""
    total = None
    for x in xs:
        part = abs_(x).sum()
        total = part if total is None else total + part
    return 0.0 if total is None else float(total.item())


def max_abs(xs: list[Tensor]) -> float:
    """``max_i max |x_i|`` (the infinity norm of the concatenated vector), a Python float."""
    amax = _core("max")
    best = 0.0
    for x in xs:
        if x.size == 0:
            continue
        if amax is not None:
            value = float(amax(abs_(x)).item())
        else:  # no max reduction in core yet: reduce the few values in Python
            value = max(abs(v) for v in abs_(x).reshape(-1).tolist())
        best = max(best, value)
    return best
