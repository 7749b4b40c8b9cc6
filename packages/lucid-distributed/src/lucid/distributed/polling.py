"""Waiting for a non-blocking operation with a deadline (shared by the engines)."""

from __future__ import annotations

import time
from collections.abc import Callable

from lucid.distributed.engine import DistributedTimeoutError

__all__ = ["wait_until", "wait_event", "BUSY_SECONDS"]

BUSY_SECONDS = 5e-3


def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``done()`` until it is true; after ``timeout`` seconds raise
    :class:`DistributedTimeoutError` naming ``what``. Polls back to back for the first
    5 ms (an MPI request makes progress only while it is tested, and messages up to
    megabytes finish there), then sleeps up to 1 ms between polls."""
    if done():
        return
    start = time.monotonic()
    deadline = start + timeout
    pause = 0.0
    while not done():
        now = time.monotonic()
        if now > deadline:
            raise _timed_out(what, timeout)
        if now - start > BUSY_SECONDS:
            pause = min(1e-3, pause * 2 or 1e-5)
            time.sleep(pause)


def wait_event(event, timeout: float, what: str) -> None:
    """Block until ``event`` (a :class:`threading.Event` another thread sets) is set, or
    raise :class:`DistributedTimeoutError` after ``timeout`` seconds. Unlike polling, the
    wait releases the interpreter lock, so the thread doing the work runs at once (a
    polling loop would hand it the lock only every switch interval, 5 ms)."""
    if not event.wait(timeout):
        raise _timed_out(what, timeout)


def _timed_out(what: str, timeout: float) -> DistributedTimeoutError:
    return DistributedTimeoutError(
        f"{what}: no answer from the other ranks after {timeout:g} s (a rank died, hangs, or "
        "never called it); set the timeout with init_process_group(timeout=...)")
