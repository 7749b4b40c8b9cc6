"""Input checks that need a value from the device, without stopping the device.

A kernel that must validate data (a class index out of range, an embedding index out of
range) needs one number from the array it checks. Reading it (``.item()``) waits for
everything queued before it: on a GPU that stalls the pipeline in the middle of every
training step, and inside ``lucid.compile`` it is impossible (nothing is evaluated while
MLX traces). So, as CUDA's device-side asserts do, the check is computed lazily with the
step and raised at the next point where the host reads a value anyway
(:func:`raise_pending`, called by the backend's ``to_numpy``: ``.item()``, ``.numpy()``,
printing), naming the op and the offending value. On MLX's CPU device the stall costs
little, so the check is immediate there (the error comes from the call itself, as on the
NumPy backend).

A check is ``(bad, detail, make_error)``: ``bad`` a boolean 0-d array, ``detail`` an
array whose value the error reports, ``make_error(detail_value) -> Exception``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import mlx.core as mx

from lucid_backend_mlx.kernels._trace_state import TRACE

__all__ = ["require", "raise_pending", "pending_count", "MAX_PENDING"]

MAX_PENDING = 64  # past this many unread checks, the oldest is read (bounded memory)

_PENDING: deque = deque()


def require(bad, detail, make_error: Callable[[object], Exception]) -> bool:
    """Raise ``make_error(detail)`` if ``bad`` holds: now on the CPU device, at the next
    host read on the GPU and while tracing for ``lucid.compile``. Returns whether the
    check was deferred: the caller must then keep the bad input from reaching memory
    (clamp an index) since the computation runs before the error is raised."""
    if TRACE.active:
        TRACE.checks.append((bad, detail, make_error))
        return True
    if mx.default_device() == mx.cpu:
        if bad.item():
            raise make_error(detail.tolist())
        return False
    _PENDING.append((bad, detail, make_error))
    if len(_PENDING) > MAX_PENDING:
        _raise_first(1)
    return True


def defer(bad, detail, make_error) -> None:
    """Queue a check computed elsewhere (the outputs of a compiled step)."""
    _PENDING.append((bad, detail, make_error))
    if len(_PENDING) > MAX_PENDING:
        _raise_first(1)


def raise_pending() -> None:
    """Read every queued check; raise the first that failed (all are cleared)."""
    if _PENDING:
        _raise_first(len(_PENDING))


def pending_count() -> int:
    return len(_PENDING)


def _raise_first(count: int) -> None:
    failed = None
    for _ in range(count):
        bad, detail, make_error = _PENDING.popleft()
        if failed is None and bad.item():
            failed = make_error(detail.tolist())
    if failed is not None:
        _PENDING.clear()
        raise failed
