"""Ranges and grids: ``arange, linspace, logspace, eye``.

Dtype rules follow PyTorch: ``arange`` with only integer arguments gives ``int64``, with
any float argument the default float (``float32``); ``linspace``/``logspace``/``eye``
default to ``float32``. Values are computed in float64 and then cast.
"""

from __future__ import annotations

import math

from lucid.dtypes import default_float, default_int, to_dtype
from lucid.ops.registry import Op, apply, register

__all__ = ["arange", "linspace", "logspace", "eye"]


class _Creation(Op):
    differentiable = False


@register
class Arange(_Creation):
    """``[start, start + step, ...]`` up to but excluding ``stop``:
    ``ceil((stop - start) / step)`` values ``start + i * step``."""

    name = "arange"

    def check(self, *, start, stop, step, dtype):
        if step == 0:
            raise ValueError("arange: step must be nonzero")
        if (stop - start) * step < 0:
            raise ValueError(f"arange: upper bound and larger bound inconsistent with step "
                             f"sign (start={start}, end={stop}, step={step})")


@register
class Linspace(_Creation):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive:
    ``start + i * (stop - start) / (num - 1)``."""

    name = "linspace"

    def check(self, *, start, stop, num, dtype):
        if num < 0:
            raise ValueError(f"linspace: number of steps must be non-negative, got {num}")


@register
class Logspace(_Creation):
    """``base ** linspace(start, stop, num)``."""

    name = "logspace"

    def check(self, *, start, stop, num, base, dtype):
        if num < 0:
            raise ValueError(f"logspace: number of steps must be non-negative, got {num}")


@register
class Eye(_Creation):
    """An ``n x m`` matrix with ones on the main diagonal and zeros elsewhere."""

    name = "eye"

    def check(self, *, n, m, dtype):
        if n < 0 or m < 0:
            raise ValueError(f"eye: n and m must be non-negative, got n={n}, m={m}")


def _number(v):
    """A Python number from a number or a one-element tensor."""
    if hasattr(v, "item") and not isinstance(v, (int, float)):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"expected a number, got {v!r}")
    return v


def _finish(out, requires_grad):
    return out.requires_grad_() if requires_grad else out


def arange(start=0, end=None, step=1, *, dtype=None, device="cpu", requires_grad=False,
           stop=None):
    """``arange(end)``, ``arange(start, end)`` or ``arange(start, end, step)``.

    ``int64`` when every argument is an integer, else ``float32`` (unless ``dtype``).
    ``stop=`` is accepted as NumPy's name of ``end``.

    >>> lucid.arange(5).tolist()
    [0, 1, 2, 3, 4]
    """
    if end is None:
        end = stop
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        all_int = all(isinstance(v, int) for v in (start, end, step))
        dtype = default_int if all_int else default_float
    out = apply("arange", start=start, stop=end, step=step, dtype=to_dtype(dtype),
                device=device)
    return _finish(out, requires_grad)


def linspace(start, end, steps=None, *, dtype=None, device="cpu", requires_grad=False,
             num=None):
    """``steps`` values evenly spaced from ``start`` to ``end`` (both included).

    NumPy's ``num=`` is accepted; NumPy's default of 50 points applies when neither is
    given.

    >>> lucid.linspace(0, 1, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    n = steps if steps is not None else (num if num is not None else 50)
    out = apply("linspace", start=float(_number(start)), stop=float(_number(end)),
                num=int(n), dtype=to_dtype(dtype) or default_float, device=device)
    return _finish(out, requires_grad)


def logspace(start, end, steps=None, base=10.0, *, dtype=None, device="cpu",
             requires_grad=False, num=None):
    """``steps`` values ``base ** t`` for ``t`` evenly spaced from ``start`` to ``end``."""
    n = steps if steps is not None else (num if num is not None else 50)
    if not math.isfinite(float(base)):
        raise ValueError(f"logspace: base must be finite, got {base}")
    out = apply("logspace", start=float(_number(start)), stop=float(_number(end)),
                num=int(n), base=float(base), dtype=to_dtype(dtype) or default_float,
                device=device)
    return _finish(out, requires_grad)


def eye(n, m=None, *, dtype=None, device="cpu", requires_grad=False, M=None):  # noqa: N803
    """The ``n x m`` identity matrix (``m = n`` by default; NumPy's ``M=`` works too)."""
    m = m if m is not None else (M if M is not None else n)
    out = apply("eye", n=int(n), m=int(m), dtype=to_dtype(dtype) or default_float,
                device=device)
    return _finish(out, requires_grad)
