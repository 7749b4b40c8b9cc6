"""Recording a step on NumPy: every operation done on the step's arrays, written down.

While ``lucid.compile`` records a step (:mod:`lucid_backend_numpy.replay`), the step
runs eagerly, as usual, on *marked* arrays: :class:`Marked` is an ``np.ndarray``
subclass whose ``slot`` is the array's name in the recording (``v0, v1, ...``). The
:class:`Recorder` writes one line of Python per operation::

    v12 = kernel_conv2d(v0, v3, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1)
    v13 = np_multiply(v12, v7)

and catches every way the step's arrays are computed with:

* a backend kernel (``backend.kernels``: the table is wrapped while recording), one line
  per kernel call, its internals not recorded (they run on plain arrays);
* NumPy outside kernels (the Python operators of raw VJPs, ``g * y``; the engine's
  ``+``), through NumPy's override protocols: ``__array_ufunc__`` (ufuncs and their
  ``reduce``/``at``..., which ``+ - * /`` and ``.sum()`` become) and
  ``__array_function__`` (``np.concatenate``, ``np.where``...);
* the ndarray methods a step uses (``reshape``, indexing, ``astype``...): overridden on
  :class:`Marked` to be recorded.

An array the step got in a way the recorder does not follow (an ndarray method not in
:data:`RECORDED_METHODS`, ``np.asarray`` of a marked array), and any value read on the
host (``bool``/``float``/``int`` of an array, ``.item()``, ``.tolist()``, printing,
``backend.to_numpy``) make the recording *unreplayable*: the step still finishes
correctly (every marked array holds its true value), and ``reason`` says why it cannot be
replayed. Arrays from nowhere in the step (Python numbers made 0-d arrays, module
constants) are constants of the recording.
"""

from __future__ import annotations

import keyword
import math
import re
import weakref

import numpy as np

__all__ = ["Marked", "Recorder", "active", "refuse_nesting", "RECORDED_METHODS", "HOST_READS"]

_ACTIVE: list[Recorder] = []

# ndarray methods recorded as one line each when called on a marked array.
RECORDED_METHODS = (
    "__getitem__", "__setitem__", "reshape", "transpose", "swapaxes", "squeeze", "ravel",
    "flatten", "astype", "copy", "view", "fill", "sum", "mean", "prod", "max", "min", "std",
    "var", "any", "all", "argmax", "argmin", "cumsum", "cumprod", "clip", "dot", "round",
    "repeat", "take", "nonzero", "conj",
)
# ndarray methods that hand a value to the host: recorded steps cannot contain them.
HOST_READS = ("__bool__", "__float__", "__int__", "__index__", "__complex__", "item",
              "tolist", "tobytes", "__repr__", "__str__", "__format__")
# NumPy functions whose result is a host value that does not depend on array contents.
_STATIC_FUNCTIONS = {np.shape, np.ndim, np.size, np.result_type, np.may_share_memory,
                     np.shares_memory, np.iscomplexobj, np.isrealobj}


_UFUNC_METHODS: dict = {}


def active() -> Recorder | None:
    """The recorder of the step being recorded, or None."""
    return _ACTIVE[-1] if _ACTIVE else None


class Marked(np.ndarray):
    """An array of the step being recorded; ``slot`` is its index in the recording
    (``None``: derived in a way the recorder did not see)."""

    slot: int | None = None
    plain: np.ndarray | None = None

    def __array_finalize__(self, obj) -> None:
        self.slot = self.plain = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__":
            return _recorder().call(ufunc, f"np_{ufunc.__name__}", inputs, kwargs)
        fn = _UFUNC_METHODS.get((ufunc, method))
        if fn is None:  # one bound method per (ufunc, method): one name in the recording
            fn = _UFUNC_METHODS[(ufunc, method)] = getattr(ufunc, method)
        return _recorder().call(fn, f"np_{ufunc.__name__}_{method}", inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        recorder = _recorder()
        if func in _STATIC_FUNCTIONS:
            return func(*recorder.plain(args), **recorder.plain(kwargs))
        return recorder.call(func, f"np_{func.__name__}", args, kwargs)

    def __reduce__(self):  # pickled as the plain array it holds
        return np.ndarray.view(self, np.ndarray).__reduce__()

    @property
    def T(self):  # noqa: N802 - ndarray's name
        return self.transpose()


def _recorded_method(name: str):
    base = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        return _recorder().call(base, f"ndarray_{name.strip('_')}", (self, *args), kwargs)

    method.__name__ = name
    return method


def _host_read(name: str):
    base = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        plain = np.ndarray.view(self, np.ndarray)
        recorder = active()
        if recorder is not None:
            recorder.refuse(f"a value was read on the host ({name} of an array)")
        return base(plain, *args, **kwargs)

    method.__name__ = name
    return method


for _name in RECORDED_METHODS:
    setattr(Marked, _name, _recorded_method(_name))
for _name in HOST_READS:
    setattr(Marked, _name, _host_read(_name))


def refuse_nesting() -> None:
    """RuntimeError when a step is being recorded (a compiled function called inside)."""
    if _ACTIVE:
        raise RuntimeError("lucid.compile: a compiled function was called while another "
                           "was being recorded; compile the outer function only")


def _recorder() -> Recorder:
    recorder = active()
    return _PLAIN if recorder is None else recorder


class _Unrecorded:
    """Stands in for the recorder once a recording is over: a marked array the step kept
    (a tensor stored on a module) computes as the plain array it is, unrecorded."""

    reason = None

    @staticmethod
    def plain(value):
        if isinstance(value, np.ndarray):
            return np.ndarray.view(value, np.ndarray)
        if type(value) in (list, tuple):
            return type(value)(_Unrecorded.plain(v) for v in value)
        if type(value) is dict:
            return {k: _Unrecorded.plain(v) for k, v in value.items()}
        return value

    def call(self, fn, label, args, kwargs):
        return fn(*self.plain(args), **self.plain(kwargs))

    def refuse(self, reason: str) -> None:
        pass


_PLAIN = _Unrecorded()


class Recorder:
    """The lines of one recorded step; see the module doc.

    Nothing is kept alive for the recording's sake: a marked array holds its plain array
    (``plain``), the recorder only weak references, so the recording step's peak memory
    is the eager step's. ``lines`` the Python lines; ``namespace`` the
    functions and constants the lines name; ``reason`` why it cannot be replayed."""

    def __init__(self) -> None:
        self.n_slots = 0
        self._marked: list[weakref.ref] = []  # per slot: its marked array
        self.lines: list[str] = []
        self.namespace: dict[str, object] = {}
        self.reason: str | None = None
        self._slot_of: dict[int, tuple] = {}  # id(plain array) -> (weakref, slot)
        self._name_of: dict[int, str] = {}  # id(function or constant) -> namespace name
        self._kept: list = []
        self.reads: list[set[int]] = []  # per line: the slots it reads
        self.defined_at: list[int] = []  # per slot: the line that makes it
        self._reading: set[int] = set()

    def __enter__(self) -> Recorder:
        refuse_nesting()
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _ACTIVE.remove(self)

    # -- slots ------------------------------------------------------------------------
    def mark(self, plain: np.ndarray) -> Marked:
        """A new slot holding ``plain``; the marked view the step computes with."""
        slot = self.n_slots
        self.n_slots += 1
        self.defined_at.append(len(self.lines))  # the line being written
        self._slot_of[id(plain)] = (weakref.ref(plain), slot)
        marked = plain.view(Marked)
        marked.slot, marked.plain = slot, plain
        self._marked.append(weakref.ref(marked))
        return marked

    def result(self, plain: np.ndarray) -> Marked:
        """The marked array of a result: the one already made for ``plain`` when an
        operation returns an array of the step (in place: ``out=``, an optimizer's
        update), so that the step sees the same object it passed; else a new slot."""
        known = self._slot_of.get(id(plain))
        if known is not None and known[0]() is plain:
            marked = self._marked[known[1]]()
            if marked is not None:
                return marked
        return self.mark(plain)

    def refuse(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def plain(self, value):
        """``value`` with every marked array replaced by its plain array."""
        return self.source(value)[1]

    def source(self, value) -> tuple[str, object]:
        """``(Python expression of value in the recording, plain value)``."""
        if isinstance(value, Marked) and value.slot is not None:
            self._reading.add(value.slot)
            return f"v{value.slot}", value.plain
        if isinstance(value, np.ndarray):
            known = self._slot_of.get(id(value))
            if known is not None and known[0]() is value:
                self._reading.add(known[1])
                return f"v{known[1]}", value
            if isinstance(value, Marked) or _derived_from_marked(value):
                self.refuse("the step made an array in a way the recorder does not follow "
                            "(an ndarray method it does not record, or np.asarray of a "
                            "step array)")
                value = np.ndarray.view(value, np.ndarray)
            return self.constant(value, "const"), value
        kind = type(value)
        if kind in (list, tuple):
            parts = [self.source(v) for v in value]
            plain = kind(p for _, p in parts)
            body = ", ".join(s for s, _ in parts)
            return (f"[{body}]" if kind is list
                    else f"({body}{',' if len(parts) == 1 else ''})", plain)
        if kind is dict:
            parts = {k: self.source(v) for k, v in value.items()}
            return _dict_source(parts), {k: p for k, (_, p) in parts.items()}
        if _literal(value):
            return repr(value), value
        return self.constant(value, _constant_label(value)), value

    def constant(self, value, label: str) -> str:
        """The namespace name of ``value`` (a function or a constant), added once."""
        name = self._name_of.get(id(value))
        if name is None:
            name = _unique(label, self.namespace)
            self.namespace[name] = value
            self._name_of[id(value)] = name
            self._kept.append(value)  # alive while recording: ids stay unique
        return name

    # -- one operation ---------------------------------------------------------------------
    def call(self, fn, label: str, args, kwargs):
        """Run ``fn(*args, **kwargs)`` on plain arrays, write its line, return its result
        with arrays marked."""
        self._reading = set()
        arg_parts = [self.source(a) for a in args]
        kw_parts = {k: self.source(v) for k, v in kwargs.items()}
        result = fn(*[p for _, p in arg_parts], **{k: p for k, (_, p) in kw_parts.items()})
        name = self.constant(fn, label)
        body = ", ".join([s for s, _ in arg_parts] + [f"{k}={s}" for k, (s, _) in kw_parts.items()])
        expression = f"{name}({body})"
        self.reads.append(self._reading)
        return self._outputs(expression, result, label)

    def _outputs(self, expression: str, result, label: str):
        if result is None:
            self.lines.append(expression)
            return None
        if isinstance(result, np.ndarray):
            marked = self.result(result)
            self.lines.append(f"v{marked.slot} = {expression}")
            return marked
        if isinstance(result, np.generic):  # a reduction to a NumPy scalar: keep 0-d
            marked = self.mark(np.asarray(result))
            self.lines.append(f"v{marked.slot} = asarray({expression})")
            return marked
        if isinstance(result, (tuple, list)) and result and all(
                r is None or isinstance(r, np.ndarray) for r in result):
            marked = [None if r is None else self.result(r) for r in result]
            names = ", ".join("_" if m is None else f"v{m.slot}" for m in marked)
            self.lines.append(f"{names}, = {expression}")
            return type(result)(marked) if isinstance(result, list) else tuple(marked)
        self.refuse(f"{label} returned a host value ({type(result).__name__})")
        return result


def _derived_from_marked(array: np.ndarray) -> bool:
    base = array.base
    while base is not None:
        if isinstance(base, Marked):
            return True
        base = getattr(base, "base", None)
    return False


def _literal(value) -> bool:
    """Whether ``repr(value)`` is a Python expression of the same value."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind in (int, bool, str) or value is None or value is Ellipsis:
        return True
    if kind is slice:
        return all(_literal(v) for v in (value.start, value.stop, value.step))
    if kind is tuple:
        return all(_literal(v) for v in value)
    return False


def _constant_label(value) -> str:
    """A readable name for a constant: a dtype by its name (``float32``), else ``const``."""
    name = getattr(value, "name", None)
    if (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)
            and name not in _RESERVED and not re.fullmatch(r"v\d+", name)):
        return name
    return "const"


_RESERVED = {"inputs", "replay", "asarray"}


def _dict_source(parts: dict) -> str:
    return "{" + ", ".join(f"{k!r}: {s}" for k, (s, _) in parts.items()) + "}"


def _unique(label: str, namespace: dict) -> str:
    base = "".join(c if c.isalnum() or c == "_" else "_" for c in label)
    name, n = base, 1
    while name in namespace:
        n += 1
        name = f"{base}_{n}"
    return name
