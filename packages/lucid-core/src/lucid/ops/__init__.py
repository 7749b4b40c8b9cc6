"""Op definitions (meaning, checks, VJPs) and the functions users call.

Every module of this package registers its ops in :data:`lucid.ops.registry.OPS` and
lists its public functions in ``__all__``; importing the package imports all of them,
and ``lucid/__init__.py`` re-exports those names.
"""

import importlib
import pkgutil

MODULES = [importlib.import_module(f"{__name__}.{info.name}")
           for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
           if not info.name.startswith("_") and info.name != "registry"]

from lucid.ops.composites import install as _install_composites  # noqa: E402

_install_composites()  # every optional op's composite, after every op is registered

__all__ = sorted({name for module in MODULES for name in getattr(module, "__all__", ())})
globals().update({name: getattr(m, name) for m in MODULES for name in getattr(m, "__all__", ())})
