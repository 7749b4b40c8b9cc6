"""``compile_function`` on NumPy: a step recorded once, replayed as straight-line Python.

NumPy has no graph compiler, so ``lucid.compile`` (see its doc) gets one here: the first
call of the compiled function runs the step eagerly while a
:class:`~lucid_backend_numpy.step_recorder.Recorder` writes down every array operation
it does, as one line of Python each. Those lines become a function, ``replay(inputs)``,
that later calls run instead of the step::

    def replay(inputs):
        v0, v1, v2, ... = inputs
        v40 = kernel_conv2d(v0, v3, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1)
        v41 = kernel_tanh(v40)
        ...
        v97 = np_multiply(v95, v41)
        del v40, v95
        ...
        return [v130, v1, v2, ...]

Each line calls a kernel or a NumPy function directly on plain arrays: none of Lucid's
dispatch, checks, autodiff graph or optimizer loops run. Each array is dropped after its
last use (the ``del`` lines), as the eager step frees it. ``source`` holds the text, for
reading. Random kernels draw afresh at every replay; data checks that live in kernels (a
class index out of range) still raise.

The second call *verifies* the recording by recording the step again, on the new
values of its arrays (the weights have moved, the batch is another): the two recordings
must be the same program with equal constants. A value the step computed from the data
past the recorder (from a raw array) shows up as a constant that changed. If the
recording cannot be made (a value read on the host while recording) or the two differ,
``eager_reason`` says why and the function runs eagerly from then on (``lucid.compile``
warns). Both recording calls are the eager step itself: their results are the eager
results.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import numpy as np

from lucid.autograd.interpreters import clear_raw_caches
from lucid_backend_numpy.step_recorder import Marked, Recorder, refuse_nesting

__all__ = ["ReplayedStep", "compile_function"]


def compile_function(backend, fn: Callable[[list], list]) -> ReplayedStep:
    """``fn(arrays) -> arrays`` recorded at its first call, replayed afterwards."""
    return ReplayedStep(backend, fn)


class ReplayedStep:
    """The callable ``compile_function`` returns (see the module doc)."""

    def __init__(self, backend, fn: Callable[[list], list]) -> None:
        self.backend = backend
        self.fn = fn
        self.source: str | None = None
        self.eager_reason: str | None = None
        self._replay: Callable[[list], list] | None = None
        self._namespace: dict | None = None  # the first recording's, until verified
        self._verified = False

    def __call__(self, arrays: list) -> list:
        refuse_nesting()
        if self.eager_reason is not None:
            return self.fn(arrays)
        if not self._verified:
            return self._record(arrays)
        return self._replay(arrays)

    def _record(self, arrays: list) -> list:
        """Run the step eagerly while recording it. The first recording becomes the
        replay; the second must be the same program with the same constants."""
        recorder = Recorder()
        with recorder, _recording(self.backend, recorder):
            inputs = [recorder.mark(np.asarray(a)) for a in arrays]
            outputs = [recorder.source(o) for o in self.fn(inputs)]
        if recorder.reason is not None:
            self.eager_reason = f"its recording cannot be replayed: {recorder.reason}"
            return [p for _, p in outputs]
        source = program_source(recorder, len(arrays), [s for s, _ in outputs])
        if self._replay is None:
            self.source, self._namespace = source, recorder.namespace
            namespace = dict(recorder.namespace, asarray=np.asarray)
            exec(compile(source, "<lucid.compile: recorded step>", "exec"), namespace)
            self._replay = namespace["replay"]
        else:
            self._verified = True
            if source != self.source or not _same_constants(recorder.namespace,
                                                            self._namespace):
                self.eager_reason = ("two recordings of the step differ: it computes "
                                     "something from the data that the recorder does not "
                                     "see (a value taken past Lucid, from a raw array)")
            self._namespace = None
        return [p for _, p in outputs]


def program_source(recorder: Recorder, n_inputs: int, outputs: list[str]) -> str:
    """The text of ``replay(inputs)``: the recorded lines, each array deleted after the
    line that last reads it (inputs and outputs are kept)."""
    kept = {int(s[1:]) for s in outputs if s.startswith("v") and s[1:].isdigit()}
    last_read: dict[int, int] = {}
    for i, reads in enumerate(recorder.reads):
        for slot in reads:
            last_read[slot] = i
    drops: dict[int, list[int]] = {}
    for slot in range(n_inputs, recorder.n_slots):
        if slot not in kept:
            line = last_read.get(slot, recorder.defined_at[slot])
            drops.setdefault(line, []).append(slot)
    body = []
    if n_inputs:
        body.append(", ".join(f"v{i}" for i in range(n_inputs)) + ", = inputs")
    for i, line in enumerate(recorder.lines):
        body.append(line)
        if i in drops:
            body.append("del " + ", ".join(f"v{s}" for s in sorted(drops[i])))
    body.append(f"return [{', '.join(outputs)}]")
    return "def replay(inputs):\n" + "".join(f"    {line}\n" for line in body)


@contextmanager
def _recording(backend, recorder: Recorder):
    """While recording: every kernel call of ``backend`` is written down, and reading a
    marked array on the host (``backend.to_numpy``) makes the recording unreplayable."""
    table = backend.kernels
    backend.kernels = {name: _recorded_kernel(recorder, name, kernel)
                       for name, kernel in table.items()}

    def to_numpy(array):
        if isinstance(array, Marked):
            recorder.refuse("a value was read on the host (.item(), .numpy(), print ...)")
            array = np.ndarray.view(array, np.ndarray)
        return np.asarray(array)

    backend.to_numpy = to_numpy
    clear_raw_caches()
    try:
        yield
    finally:
        backend.kernels = table
        del backend.to_numpy
        clear_raw_caches()


def _recorded_kernel(recorder: Recorder, name: str, kernel: Callable):
    label = f"kernel_{name}"

    def recorded(*args, **params):
        return recorder.call(kernel, label, args, params)

    return recorded


def _same_constants(first: dict, second: dict) -> bool:
    """The constants of two recordings are equal: arrays by dtype, shape and value
    (NaN equal to NaN), functions by identity, other values by ``==``."""
    if first.keys() != second.keys():
        return False
    for name, a in first.items():
        b = second[name]
        if a is b:
            continue
        if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
            a, b = np.asarray(a), np.asarray(b)
            if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(
                    a, b, equal_nan=a.dtype.kind in "fc"):
                return False
        elif callable(a) or not _equal(a, b):
            return False
    return True


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
