"""The original Lucid's keyword spellings, accepted beside Lucid's own.

Code written for the original Lucid (``lucid-dl``) calls ``x.unsqueeze(axis=0)``,
``lucid.flatten(x, start_axis=1)``, ``lucid.clip(x, min_value=0)``... Each such function
takes the original's keywords through ``**aliases`` and resolves them here, only when some
were passed, so the normal call pays nothing::

    def unsqueeze(x, dim=None, **aliases):
        if aliases:
            dim = original_keywords("unsqueeze", aliases, {"axis": "dim"}, dim=dim)["dim"]

``original_keywords`` maps each original keyword to Lucid's parameter; an unknown keyword,
or the same parameter given under both names, is a ``TypeError`` naming the op, as Python
itself reports a bad keyword. ``docs/coming-from-original-lucid.md`` lists every spelling.
"""

from __future__ import annotations


def original_keywords(op: str, aliases: dict, table: dict[str, str], **given) -> dict:
    """Lucid's parameters (``given``: name -> value passed, ``None`` = not passed) updated
    with the original's keywords in ``aliases`` renamed by ``table`` (original -> Lucid)."""
    out = dict(given)
    for name, value in aliases.items():
        target = table.get(name)
        if target is None:
            known = ", ".join(sorted(table))
            raise TypeError(f"{op}() got an unexpected keyword argument {name!r} "
                            f"(the original Lucid's keywords accepted here: {known})")
        if out.get(target, None) is not None:
            raise TypeError(f"{op}(): {target!r} given twice, as {target!r} and as the "
                            f"original's {name!r}")
        out[target] = value
    return out
