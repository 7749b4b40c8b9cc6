"""Devices: ``cpu`` and ``gpu``, optionally indexed (``gpu:0``), and ``meta`` (shapes and
dtypes only, no data: served by the ``lucid-backend-meta`` plugin).

``with lucid.device("meta"):`` makes tensors created inside the block (creation functions,
``lucid.tensor``, module parameters) land on that device, as PyTorch's
``with torch.device("meta")``: ``with lucid.device("meta"): model = resnet_50()`` builds a
model without allocating or initialising any data. Devices given as strings (the
``device="cpu"`` defaults) yield to the block; a ``Device`` object (``device=x.device``)
is kept.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

DEVICE_TYPES = ("cpu", "gpu", "meta")
_creation = threading.local()  # .stack: devices entered with ``with device:``, innermost last


def creation_device(requested):
    """The device a new tensor is made on: inside a ``with device:`` block, the innermost
    block's device unless ``requested`` is a :class:`Device` object (``device=x.device``:
    code placing a tensor next to another keeps doing so); else ``requested``. A string
    (``"cpu"``, every creation function's default) does not override the block."""
    stack = getattr(_creation, "stack", None)
    if stack and not isinstance(requested, Device):
        return stack[-1]
    return to_device(requested)


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

    def __enter__(self) -> Device:
        stack = getattr(_creation, "stack", None)
        if stack is None:
            stack = _creation.stack = []
        stack.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _creation.stack.pop()


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
        raise ValueError(f"device: unknown device {spec!r}; expected 'cpu', 'gpu', 'gpu:N' or "
                         "'meta'")
    device = Device(kind, int(index) if index else None)
    if isinstance(spec, str):
        _CACHE[spec] = device
    return device
