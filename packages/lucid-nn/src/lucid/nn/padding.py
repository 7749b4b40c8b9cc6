"""Padding layers: ``ZeroPad*``, ``ConstantPad*``, ``ReflectionPad*``,
``ReplicationPad*``, ``CircularPad*`` for 1, 2 and 3 spatial dims."""

from __future__ import annotations

from lucid.nn import functional as F
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = []


class _PadNd(Module):
    _nd = 0
    _mode = "constant"

    def __init__(self, padding, value: float = 0.0) -> None:
        super().__init__()
        self.padding = (padding,) * (2 * self._nd) if isinstance(padding, int) else \
            tuple(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        if type(self).__name__.startswith("Constant"):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


def _make(prefix: str, mode: str, nd: int, with_value: bool):
    name = f"{prefix}Pad{nd}d"

    if with_value:
        def init(self, padding, value: float) -> None:
            _PadNd.__init__(self, padding, value)
    else:
        def init(self, padding) -> None:
            _PadNd.__init__(self, padding)

    cls = type(name, (_PadNd,), {"_nd": nd, "_mode": mode, "__init__": init,
                                 "__doc__": f"Pad the last {nd} dims ({mode}); ``padding`` "
                                            "is an int or PyTorch's pad tuple."})
    cls.__module__ = __name__
    globals()[name] = cls
    __all__.append(name)


for _nd in (1, 2, 3):
    _make("Zero", "constant", _nd, False)
    _make("Constant", "constant", _nd, True)
    _make("Reflection", "reflect", _nd, False)
    _make("Replication", "replicate", _nd, False)
    _make("Circular", "circular", _nd, False)
