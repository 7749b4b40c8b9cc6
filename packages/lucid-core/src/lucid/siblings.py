"""Which distribution provides each ``lucid.*`` namespace package, and the import hint.

``lucid`` is a namespace spread over several distributions (``lucid-core`` holds ``lucid``
itself; ``lucid-nn`` adds ``lucid.nn``, and so on). With only some installed, ``import
lucid.nn`` would fail with a bare ``No module named 'lucid.nn'``. :class:`SiblingHintFinder`
sits last on ``sys.meta_path``: it is asked only after every real finder has failed, and then
raises a :class:`ModuleNotFoundError` naming the distribution to install. It finds nothing
itself, so an installed sibling is never affected.
"""

from __future__ import annotations

import sys

# lucid.<name> -> the distribution that provides it
SIBLINGS = {
    "nn": "lucid-nn",
    "optim": "lucid-optim",
    "data": "lucid-data",
    "datasets": "lucid-data",
    "transforms": "lucid-data",
    "models": "lucid-models",
    "weights": "lucid-models",
    "distributed": "lucid-distributed",
}


def missing_sibling_message(module: str, distribution: str) -> str:
    return (f"No module named {module!r}: it comes with the distribution {distribution!r}, "
            f"which is not installed. Install it with `pip install {distribution}` (from a "
            f"checkout of the repository: `pip install packages/{distribution}`).")


class SiblingHintFinder:
    """A meta-path finder that never finds: for a known ``lucid.<sibling>`` it raises the
    ``pip install`` hint (``name`` left unset, so ``from lucid import nn`` shows it too)."""

    @classmethod
    def find_spec(cls, fullname: str, path=None, target=None):
        package, _, name = fullname.partition(".")
        if package == "lucid" and name in SIBLINGS:
            raise ModuleNotFoundError(missing_sibling_message(fullname, SIBLINGS[name]))
        return None


def install_hint_finder() -> None:
    """Append :class:`SiblingHintFinder` to ``sys.meta_path`` (once)."""
    if not any(f is SiblingHintFinder for f in sys.meta_path):
        sys.meta_path.append(SiblingHintFinder)
