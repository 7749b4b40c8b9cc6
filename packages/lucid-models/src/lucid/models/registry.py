"""The model registry: ``register_model``, ``list_models``, ``create_model``.

A factory is registered under its function name; every factory takes ``num_classes`` and
``weights`` (a :class:`lucid.weights.WeightsEntry`, its name, or None) plus keyword options.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable

_MODELS: dict[str, Callable] = {}


def register_model(fn: Callable = None, *, name: str | None = None):
    """Decorator adding a factory to the registry (``@register_model`` or with a ``name``)."""

    def add(factory: Callable) -> Callable:
        key = name or factory.__name__
        if key in _MODELS:
            raise ValueError(f"register_model: a model called {key!r} is already registered")
        _MODELS[key] = factory
        return factory

    return add(fn) if fn is not None else add


def list_models(pattern: str = "*") -> list[str]:
    """Registered model names matching a shell-style ``pattern``, sorted."""
    return sorted(n for n in _MODELS if fnmatch.fnmatch(n, pattern))


def get_model_factory(name: str) -> Callable:
    try:
        return _MODELS[name]
    except KeyError:
        raise KeyError(f"create_model: unknown model {name!r}; available: "
                       f"{', '.join(list_models())}") from None


def create_model(name: str, **kwargs):
    """Build the registered model ``name``: ``create_model("resnet_18", num_classes=10)``."""
    return get_model_factory(name)(**kwargs)
