"""Channel-count rounding shared by squeeze-excitation, selective-kernel and mobile blocks.

``make_divisible(v, divisor, min_value, round_limit)`` rounds ``v`` to the nearest multiple
of ``divisor`` (halves round up), at least ``min_value`` (default ``divisor``), and adds one
more ``divisor`` when rounding lost more than ``1 - round_limit`` of ``v``::

    n = max(min_value, floor((v + divisor / 2) / divisor) * divisor)
    n = n + divisor  if n < round_limit * v

This is the rule of the MobileNet/EfficientNet reference code, also used by timm for the
reduced width of attention modules.
"""

from __future__ import annotations

__all__ = ["make_divisible"]


def make_divisible(v: float, divisor: int = 8, min_value: int | None = None,
                   round_limit: float = 0.9) -> int:
    """Round ``v`` channels to a multiple of ``divisor`` (see the module docstring).

    >>> make_divisible(64 / 16), make_divisible(37.0, 8), make_divisible(10, 8, round_limit=0.)
    (8, 40, 8)
    """
    if divisor < 1:
        raise ValueError(f"make_divisible: divisor must be >= 1, got {divisor}")
    min_value = divisor if min_value is None else min_value
    n = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if n < round_limit * v:
        n += divisor
    return n
