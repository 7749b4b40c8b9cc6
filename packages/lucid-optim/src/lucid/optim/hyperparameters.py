"""Checking an optimizer's hyper-parameters: each check returns the value as a float or
raises an error naming the optimizer, the hyper-parameter and the value (NaN is never
accepted), so ``Adam(params, lr=float("nan"))`` fails at once and nothing changes."""

from __future__ import annotations

import numpy as np

import lucid

__all__ = ["check_number", "check_lr", "check_non_negative", "check_range",
           "to_scalar_dtype"]


def check_number(optimizer: str, what: str, value) -> float:
    """``value`` as a float; ``ValueError`` naming ``optimizer`` when it is NaN,
    ``TypeError`` when it is not a real number."""
    if not isinstance(value, (int, float)):
        try:
            value = float(value)  # NumPy scalars, one-element tensors
        except (TypeError, ValueError):
            raise TypeError(f"{optimizer}: {what} must be a real number, got "
                            f"{value!r}") from None
    if value != value:
        raise ValueError(f"{optimizer}: invalid {what} {value} (NaN)")
    return value


def check_lr(optimizer: str, lr, step: bool) -> float:
    """The learning rate as a float: never NaN; not negative at construction (``step``
    False), any real number at a step, where a scheduler may have extrapolated it below
    zero (PyTorch's ``OneCycleLR`` on its last step) and PyTorch steps with it."""
    if step:
        return check_number(optimizer, "learning rate", lr)
    return check_non_negative(optimizer, "learning rate", lr)


def check_non_negative(optimizer: str, what: str, value) -> float:
    """``value`` as a float; ``ValueError`` naming ``optimizer`` unless ``value >= 0``
    (NaN included)."""
    value = check_number(optimizer, what, value)
    if value < 0.0:
        raise ValueError(f"{optimizer}: invalid {what} {value}")
    return value


def check_range(optimizer: str, what: str, value, low: float, high: float, *,
                include_high: bool = False) -> float:
    """``value`` as a float; ``ValueError`` unless ``low <= value < high`` (``<= high``
    with ``include_high``)."""
    value = check_number(optimizer, what, value)
    if not (low <= value and (value <= high if include_high else value < high)):
        bracket = "]" if include_high else ")"
        raise ValueError(f"{optimizer}: invalid {what} {value}; must be in "
                         f"[{low}, {high}{bracket}")
    return value


def to_scalar_dtype(value: float) -> float:
    """``value`` rounded to the default float dtype, the dtype PyTorch keeps scalar state
    in (NAdam's ``mu_product``, ASGD's ``eta`` and ``mu``)."""
    if lucid.dtypes.default_float == lucid.float32:
        return float(np.float32(value))
    return float(value)
