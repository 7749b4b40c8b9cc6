"""What differs while ``lucid.compile`` traces a function through ``mx.compile``.

While MLX traces, arrays are placeholders: nothing may be evaluated. So during a trace
``eval`` schedules nothing, data checks are collected as extra outputs of the compiled
function (see ``_deferred_checks``), and random draws take their keys from a key that is
an *input* of the compiled function (split once per draw), so every replay draws fresh
numbers instead of repeating the ones of the trace.
"""

from __future__ import annotations

__all__ = ["TRACE"]


class TraceState:
    """``active`` while a compiled function is being traced; ``key`` the traced random
    key; ``checks`` the deferred data checks met during the trace."""

    def __init__(self) -> None:
        self.active = False
        self.key = None
        self.checks: list = []


TRACE = TraceState()
