"""Every optional op written with other ops: what runs where a backend has no kernel.

A backend must provide the primitive kernels (:mod:`lucid.ops.primitives`); for every
other op, this package holds its composite, a function on Tensors built from other ops
(``ops.add(x, ops.neg(y))``). :func:`lucid.ops.registry.apply` runs it when the serving
backend has no kernel for the op; the graph then records the composite's ops, so its
gradient is theirs. A backend kernel for the op (a fused one, for speed) replaces it.

Each module here defines the composites of one family with :func:`composite`;
:func:`install` (called once, after every op is registered) attaches them to their ops.
"""

from __future__ import annotations

import importlib
from functools import partial

from lucid.ops.registry import OPS, apply

FAMILIES = ("creation", "elementwise", "linalg", "ordering", "reduction", "shape", "windows",
            "convolution", "products", "losses")
_PENDING: dict[str, object] = {}


class _OpCalls:
    """``ops.name(*tensors, **params)`` is ``apply("name", *tensors, **params)``."""

    def __getattr__(self, name: str):
        if name not in OPS:
            raise AttributeError(f"no op named {name!r}")
        return partial(apply, name)


ops = _OpCalls()


def composite(name: str):
    """Decorator: ``fn(*inputs, **params)`` is op ``name`` written with other ops. A
    creation op's composite (no inputs) also receives ``device``."""
    def record(fn):
        if name in _PENDING:
            raise ValueError(f"composite: op {name!r} has two composites")
        _PENDING[name] = fn
        return fn
    return record


def const(value, like, dtype=None):
    """A 0-d tensor holding ``value`` (of ``like``'s dtype unless ``dtype`` is given) on
    ``like``'s device."""
    return apply("full", shape=(), fill_value=value, dtype=dtype or like.dtype,
                 device=like.device)


def install() -> None:
    """Attach every composite of this package to its registered op."""
    for module in FAMILIES:  # importing a module records its composites
        importlib.import_module(f"{__name__}.{module}")

    for name, fn in _PENDING.items():
        op = OPS[name]
        if op.composite is not None and getattr(op.composite, "__func__", fn) is not fn:
            raise ValueError(f"install: op {name!r} already defines a composite")
        op.composite = fn
