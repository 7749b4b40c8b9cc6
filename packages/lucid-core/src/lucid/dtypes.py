"""Lucid's dtypes and PyTorch's type-promotion rules.

A :class:`DType` is a backend-neutral description (name, kind, size in bytes). Each
backend maps it to its native dtype. Promotion follows PyTorch:

* categories are ordered ``bool < integer < floating``; the higher category wins;
* within a category the wider type wins, except that a zero-dimensional tensor or a
  Python scalar never widens a dimensioned tensor of the same category;
* a Python ``float`` meeting an integer or bool tensor gives the default float
  (``float32``), a Python ``int`` meeting a bool tensor gives ``int64``.
"""

from __future__ import annotations

import builtins as _builtins
from dataclasses import dataclass

from lucid.errors import DTypeError

_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}


@dataclass(frozen=True)
class DType:
    """A tensor element type: ``name`` (NumPy spelling), ``kind`` (b/i/u/f), ``itemsize``."""

    name: str
    kind: str
    itemsize: int

    @property
    def is_floating_point(self) -> bool:
        return self.kind == "f"

    @property
    def category(self) -> int:
        return _CATEGORY[self.kind]

    def __repr__(self) -> str:
        return f"lucid.{self.name}"


Float16 = float16 = half = DType("float16", "f", 2)
Float32 = float32 = float = DType("float32", "f", 4)  # noqa: A001 - torch spelling
Float64 = float64 = double = DType("float64", "f", 8)
Int8 = int8 = DType("int8", "i", 1)
UInt8 = uint8 = DType("uint8", "u", 1)
Int16 = int16 = short = DType("int16", "i", 2)
Int32 = int32 = DType("int32", "i", 4)
Int64 = int64 = long = DType("int64", "i", 8)
Bool = bool_ = DType("bool", "b", 1)

ALL_DTYPES = (Float16, Float32, Float64, Int8, UInt8, Int16, Int32, Int64, Bool)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update({"bool_": Bool, "half": Float16, "double": Float64, "long": Int64,
                 "short": Int16})

default_float: DType = Float32
default_int: DType = Int64


def to_dtype(spec) -> DType:
    """Turn a DType, a name (``"float32"``), a Python type or a NumPy dtype into a DType."""
    if spec is None or isinstance(spec, DType):
        return spec
    if spec is _builtins.float:
        return default_float
    if spec is _builtins.int:
        return default_int
    if spec is _builtins.bool:
        return Bool
    name = getattr(spec, "name", None) or getattr(spec, "__name__", None) or str(spec)
    name = str(name).replace("lucid.", "").replace("torch.", "")
    if name in _BY_NAME:
        return _BY_NAME[name]
    raise DTypeError(f"to_dtype: unknown dtype {spec!r}; expected one of "
                     f"{sorted(d.name for d in ALL_DTYPES)}")




def scalar_dtype(value) -> DType:
    """The dtype a lone Python scalar gets: bool, int64 or the default float (NumPy scalars
    count as the Python number they hold, as in PyTorch)."""
    if hasattr(value, "dtype") and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, _builtins.bool):
        return Bool
    if isinstance(value, _builtins.int):
        return default_int
    if isinstance(value, _builtins.float):
        return default_float
    raise DTypeError(f"scalar_dtype: unsupported scalar {value!r} of type {type(value).__name__}")


def _wider(a: DType, b: DType) -> DType:
    if a.category != b.category:
        return a if a.category > b.category else b
    if a == b:
        return a
    if {a.kind, b.kind} == {"u", "i"}:  # uint8 with a signed int: the signed type, at least int16
        signed = a if a.kind == "i" else b
        return signed if signed.itemsize > 1 else Int16
    return a if a.itemsize >= b.itemsize else b


def promote_types(*dtypes: DType) -> DType:
    """The PyTorch result type of dimensioned tensors with these dtypes."""
    out = dtypes[0]
    for d in dtypes[1:]:
        out = _wider(out, d)
    return out


def result_type(*operands) -> DType:
    """PyTorch's result type for a mix of tensors (``shape``/``dtype``) and Python scalars.

    Three priority tiers: dimensioned tensors, zero-dim tensors, Python scalars. A lower
    tier only matters when it is of a higher category than everything above it.
    """
    tiers: list[list[DType]] = [[], [], []]
    for op in operands:
        if isinstance(getattr(op, "dtype", None), DType):
            tiers[0 if len(op.shape) else 1].append(op.dtype)
        else:
            tiers[2].append(scalar_dtype(op))
    result = None
    for tier_index, tier in enumerate(tiers):
        if not tier:
            continue
        best = promote_types(*tier)
        if result is None:
            result = best
        elif best.category > result.category:
            result = (best if tier_index < 2 else
                      {0: Bool, 1: default_int, 2: default_float}[best.category])
    return result
