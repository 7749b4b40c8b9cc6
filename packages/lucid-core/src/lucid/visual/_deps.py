"""The optional dependencies of :mod:`lucid.visual`, imported only when a picture is made."""

from __future__ import annotations

_HINT = ("lucid.visual needs networkx and matplotlib (the original Lucid's dependencies for "
         "its graph pictures): pip install 'lucid-core[visual]' or pip install networkx "
         "matplotlib")


def networkx():
    try:
        import networkx as nx
    except ImportError as exc:
        raise ImportError(f"{_HINT} (networkx is missing: {exc})") from exc
    return nx


def figure_class():
    """matplotlib's ``Figure`` (no pyplot: no GUI backend and no global state is touched)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(f"{_HINT} (matplotlib is missing: {exc})") from exc
    return Figure
