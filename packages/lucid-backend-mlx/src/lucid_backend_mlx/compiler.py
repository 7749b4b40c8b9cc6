"""``compile_function``: the MLX backend's side of ``lucid.compile``.

``lucid.compile`` hands the backend a *pure* function of native arrays (the whole
training step with its state swapped in as arguments: forward, backward and optimizer
update). MLX compiles it with ``mx.compile``: the Python body runs once, on placeholder
arrays, and records MLX's graph; later calls with arrays of the same shapes and dtypes
run that graph (MLX fuses its elementwise operations) without running any Python of
Lucid's: no dispatch, no checks, no autograd bookkeeping.

During the trace (``_trace_state.TRACE.active``): ``eval`` schedules nothing, data
checks are returned as extra outputs and queued after each call (``_deferred_checks``),
random draws split a key that is an extra input (fresh at every call), and reading a
value is an error that says why.
"""

from __future__ import annotations

from collections.abc import Callable

import mlx.core as mx

from lucid_backend_mlx.kernels import _deferred_checks
from lucid_backend_mlx.kernels._random_state import next_key
from lucid_backend_mlx.kernels._trace_state import TRACE

__all__ = ["compile_function"]


def compile_function(fn: Callable[[list], list]) -> Callable[[list], list]:
    """``fn(arrays) -> arrays`` (lists of ``mx.array``) compiled with ``mx.compile``."""
    makers: list = []  # the error builders of the checks met while tracing

    def traced(arrays: list, key) -> tuple[list, list]:
        if TRACE.active:
            raise RuntimeError("lucid.compile: a compiled function called another while "
                               "being traced; compile the outer function only")
        TRACE.active, TRACE.key, TRACE.checks = True, key, []
        try:
            outputs = fn(arrays)
            checks = TRACE.checks
        finally:
            TRACE.active, TRACE.key, TRACE.checks = False, None, []
        makers[:] = [make for _, _, make in checks]
        return outputs, [a for bad, detail, _ in checks for a in (bad, detail)]

    compiled = mx.compile(traced)

    def run(arrays: list) -> list:
        outputs, check_arrays = compiled(arrays, next_key())
        for i, make_error in enumerate(makers):
            _deferred_checks.defer(check_arrays[2 * i], check_arrays[2 * i + 1], make_error)
        return outputs

    return run
