"""Thread-local grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``."""

from __future__ import annotations

import functools
import threading


class _GradMode(threading.local):
    """Per-thread grad mode; every thread starts with it on (a class default, so reading
    it never takes the slow missing-attribute path: this is read by every op call)."""

    enabled = True


_state = _GradMode()


def is_grad_enabled() -> bool:
    """True when ops record the graph on this thread."""
    return _state.enabled


def _set(flag: bool) -> None:
    _state.enabled = flag


class set_grad_enabled:  # noqa: N801 - torch spelling
    """Context manager and decorator setting grad mode to ``mode`` on this thread."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self._prev: list[bool] = []

    def __enter__(self):
        self._prev.append(is_grad_enabled())
        _set(self.mode)
        return self

    def __exit__(self, *exc) -> None:
        _set(self._prev.pop())

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)(self.mode) if type(self) is set_grad_enabled else type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):  # noqa: N801
    """Disable graph recording: ``with lucid.no_grad(): ...`` or ``@lucid.no_grad()``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):  # noqa: N801
    """Enable graph recording inside a ``no_grad`` region."""

    def __init__(self) -> None:
        super().__init__(True)
