"""Devices: ``cpu`` and ``gpu``, optionally indexed (``gpu:0``)."""

from __future__ import annotations

from dataclasses import dataclass

DEVICE_TYPES = ("cpu", "gpu")


@dataclass(frozen=True)
class Device:
    """A device type and index; ``str(Device("gpu", 0)) == "gpu:0"``."""

    type: str
    index: int | None = None

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        return f"device({str(self)!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = to_device(other)
        if not isinstance(other, Device):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self) -> int:
        return hash((self.type, self.index or 0))


_CACHE: dict = {}


def to_device(spec) -> Device:
    """Parse ``"cpu"``, ``"gpu"``, ``"gpu:1"``, ``"cuda"``/``"mps"`` (gpu aliases), a Device."""
    if isinstance(spec, Device):
        return spec
    if spec is None:
        return to_device("cpu")
    try:
        return _CACHE[spec]
    except (KeyError, TypeError):
        pass
    text = str(spec).strip().lower()
    kind, _, index = text.partition(":")
    kind = {"cuda": "gpu", "mps": "gpu", "metal": "gpu"}.get(kind, kind)
    if kind not in DEVICE_TYPES or (index and not index.isdigit()):
        raise ValueError(f"device: unknown device {spec!r}; expected 'cpu', 'gpu' or 'gpu:N'")
    device = Device(kind, int(index) if index else None)
    if isinstance(spec, str):
        _CACHE[spec] = device
    return device
