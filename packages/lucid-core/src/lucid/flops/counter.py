"""``count_flops``: count the multiply-adds of every op run inside a ``with`` block.

    with lucid.count_flops(model) as c:
        y = model(x)
    c.total            # multiply-adds of everything that ran (ResNet-18 at 224: ~1.82e9)
    c.by_op            # {"conv": ..., "matmul": ..., "add": ...}
    c.by_module        # {"": total, "layer1": ..., "layer1.0.conv1": ...} (model given)
    y.flops            # the multiply-adds of the graph that computed y

How it hooks in without slowing anything outside the block: entering the first block swaps
every loaded backend's kernel table for one of counting wrappers (each calls the real kernel,
then adds :func:`~lucid.flops.formulas.macs` of the call to every active counter) and swaps
``Tensor._wrap`` (which wraps every op output) for a version that tags the output with a
record of the call; leaving the last block puts the original tables back. Outside a block
the dispatch path is untouched: no flag, no check. Blocks nest; each counts what ran in it.
The swap is process-wide: ops other threads run while a block is open are counted too.

``Tensor.flops`` sums the records of the tensor's history: the op that made it and, once
each, every op before it that it depends on (a residual branch used twice counts once).
Tensors made outside any block have ``flops == 0``. Ops that ``backward()`` runs inside the
block are counted too (under their kernel names), as they are real work.

Per module: given a model, forward pre/post hooks on each submodule keep a stack of the
modules running, and every op's count is added to each of them (so a parent includes its
children, and ``by_module[""]`` is the model's total). The hooks are removed on exit.
"""

from __future__ import annotations

import weakref
from collections import defaultdict

from lucid import backends
from lucid.autograd import interpreters
from lucid.flops.formulas import macs
from lucid.tensor import Tensor

__all__ = ["FlopCounter", "count_flops"]

_ACTIVE: list[FlopCounter] = []
_SAVED_TABLES: list[tuple] = []  # (backend, original kernel dict)
_ORIGINAL_WRAP = Tensor.__dict__["_wrap"]
_BY_ARRAY: dict[int, weakref.ref] = {}  # id(native array) -> the tensor wrapping it
_PENDING: list = [None, ()]  # the last kernel call's record and the ids of its outputs


class _Record:
    """One op call: its name, its multiply-adds, and the records of its inputs."""

    __slots__ = ("name", "macs", "parents")

    def __init__(self, name: str, n: int, parents: tuple) -> None:
        self.name = name
        self.macs = n
        self.parents = parents


class FlopCounter:
    """The counts of one ``count_flops`` block (also the context manager itself)."""

    def __init__(self, module=None) -> None:
        self.module = module
        self.by_op: dict[str, int] = defaultdict(int)
        self.calls: dict[str, int] = defaultdict(int)
        self.by_module: dict[str, int] = defaultdict(int)
        self._stack: list[str] = []
        self._handles: list = []

    @property
    def total(self) -> int:
        """Multiply-adds of every op that ran in the block."""
        return sum(self.by_op.values())

    def _add(self, name: str, n: int) -> None:
        self.by_op[name] += n
        self.calls[name] += 1
        for module_name in self._stack:
            self.by_module[module_name] += n

    # -- the context ----------------------------------------------------------------------
    def __enter__(self) -> FlopCounter:
        if self.module is not None:
            self._hook_modules(self.module)
        if not _ACTIVE:
            _install()
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _ACTIVE.remove(self)
        if not _ACTIVE:
            _uninstall()
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._stack.clear()

    def _hook_modules(self, module) -> None:
        if not hasattr(module, "named_modules"):
            raise TypeError(f"count_flops: expected a module (with named_modules()), got "
                            f"{type(module).__name__}")
        for name, sub in module.named_modules():
            self.by_module.setdefault(name, 0)
            self._handles.append(sub.register_forward_pre_hook(self._enter_module(name)))
            self._handles.append(sub.register_forward_hook(self._leave_module(name)))

    def _enter_module(self, name: str):
        def hook(module, args):
            self._stack.append(name)
        return hook

    def _leave_module(self, name: str):
        def hook(module, args, output):
            if self._stack and self._stack[-1] == name:
                self._stack.pop()
        return hook

    # -- reading the counts -----------------------------------------------------------------
    def table(self, top: int | None = None) -> str:
        """The per-op counts, largest first, as a text table."""
        rows = sorted(self.by_op.items(), key=lambda kv: -kv[1])[:top]
        total = self.total or 1
        lines = [f"{'op':<30}{'calls':>8}{'MACs':>18}{'share':>9}"]
        for name, n in rows:
            lines.append(f"{name:<30}{self.calls[name]:>8}{n:>18,}{100 * n / total:>8.2f}%")
        lines.append(f"{'total':<30}{sum(self.calls.values()):>8}{self.total:>18,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"FlopCounter(total={self.total:,} MACs, ops={len(self.by_op)})"


def count_flops(module=None) -> FlopCounter:
    """A context manager counting multiply-adds of every op run inside it (see module doc);
    with ``module``, also per submodule (``counter.by_module``)."""
    return FlopCounter(module)


# -- swapping the counting dispatch in and out ---------------------------------------------
def _counting(name: str, kernel):
    def counted(*args, **params):
        out = kernel(*args, **params)
        _note(name, args, out, params)
        return out

    counted.__wrapped__ = kernel
    return counted


def _note(name: str, args, out, params) -> None:
    n = macs(name, args, out, params)
    parents = []
    for a in args:
        ref = _BY_ARRAY.get(id(a))
        tensor = ref() if ref is not None else None
        if tensor is not None and tensor._data is a:
            record = tensor.__dict__.get("_flop_record")
            if record is not None:
                parents.append(record)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    _PENDING[0] = _Record(name, n, tuple(parents))
    _PENDING[1] = tuple(id(o) for o in outs)
    for counter in _ACTIVE:
        counter._add(name, n)


def _wrap_tagging(cls, data, device, node=None, index: int = 0, backend=None):
    tensor = _ORIGINAL_WRAP.__func__(cls, data, device, node, index, backend)
    if id(data) in _PENDING[1]:
        tensor.__dict__["_flop_record"] = _PENDING[0]
        _BY_ARRAY[id(data)] = weakref.ref(tensor)
    return tensor


def _loaded_backends() -> list:
    """Every backend object an op may dispatch to: the registered ones and the per-device
    views bound to a device (MLX serves each device through its own view)."""
    found = {id(b): b for b in backends.available().values()}
    found.update((id(b), b) for b in backends._binding.values())
    return list(found.values())


def _install() -> None:
    for backend in _loaded_backends():
        _SAVED_TABLES.append((backend, backend.kernels))
        backend.kernels = {name: _counting(name, k) for name, k in backend.kernels.items()}
    Tensor._wrap = classmethod(_wrap_tagging)
    interpreters.clear_raw_caches()


def _uninstall() -> None:
    for backend, table in _SAVED_TABLES:
        backend.kernels = table
    _SAVED_TABLES.clear()
    Tensor._wrap = _ORIGINAL_WRAP
    _BY_ARRAY.clear()
    _PENDING[0], _PENDING[1] = None, ()
    interpreters.clear_raw_caches()


# -- Tensor.flops -------------------------------------------------------------------------
def tensor_flops(tensor) -> int:
    """Multiply-adds of the ops that computed ``tensor`` inside ``count_flops`` blocks: the
    op that made it plus every earlier op it depends on, each counted once."""
    record = tensor.__dict__.get("_flop_record")
    total, seen, stack = 0, set(), [record] if record is not None else []
    while stack:
        r = stack.pop()
        if id(r) in seen:
            continue
        seen.add(id(r))
        total += r.macs
        stack.extend(r.parents)
    return total


Tensor.flops = property(tensor_flops, doc=tensor_flops.__doc__)
