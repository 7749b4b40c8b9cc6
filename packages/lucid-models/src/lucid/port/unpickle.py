"""Reading the original Lucid's ``.lcd``/``.lct`` files without running their code.

The original Lucid (``lucid-dl``) saved with :mod:`pickle` a dict
``{"type": "Tensor" | "OrderedDict" | "dict", "format_version": 1.1, "content": ...}``:
for ``.lct`` the content is one NumPy array, for ``.lcd`` a state dict of NumPy arrays
(``OrderedDict`` of name -> array). A pickle can name any importable callable, so loading
an untrusted one with ``pickle.load`` can run anything. :class:`RestrictedUnpickler`
resolves only the names such a file needs:

* ``collections.OrderedDict``;
* NumPy's array reconstruction: ``numpy(._core|.core).multiarray._reconstruct`` and
  ``scalar``, ``numpy(._core|.core).numeric._frombuffer``, ``numpy.ndarray``,
  ``numpy.dtype`` and NumPy 2's dtype classes (``numpy.dtypes.*DType``) of the numeric
  dtypes.

Any other global (``os.system``, ``builtins.eval``, a class of some package ...) raises
:class:`OriginalFormatError` when the unpickler meets it, before anything is called, so a
crafted file fails without side effects. Persistent ids are refused too.
"""

from __future__ import annotations

import collections
import io
import pickle

import numpy as np

from lucid.errors import LucidError

__all__ = ["OriginalFormatError", "RestrictedUnpickler", "read_original"]


class OriginalFormatError(LucidError, ValueError):
    """A file that is not a (safe) original-Lucid ``.lcd``/``.lct`` file."""


_NUMPY_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray", "numpy.core.numeric",
                  "numpy._core.numeric")
_NUMPY_FUNCS = {"_reconstruct", "scalar", "_frombuffer"}
_NUMERIC_KINDS = "biuf"


def _allowed_dtype_class(name: str):
    """NumPy 2 pickles dtypes with their class (``numpy.dtypes.Float32DType``): allow the
    numeric ones only."""
    import numpy.dtypes as dtypes

    cls = getattr(dtypes, name, None)
    if isinstance(cls, type) and issubclass(cls, np.dtype):
        try:
            kind = cls().kind
        except TypeError:
            return None
        if kind in _NUMERIC_KINDS:
            return cls
    return None


class RestrictedUnpickler(pickle.Unpickler):
    """``pickle.Unpickler`` that resolves only OrderedDict and NumPy array globals."""

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module in _NUMPY_MODULES and name in _NUMPY_FUNCS:
            import importlib

            return getattr(importlib.import_module(module), name)
        if module == "numpy" and name in ("ndarray", "dtype"):
            return getattr(np, name)
        if module == "numpy.dtypes":
            cls = _allowed_dtype_class(name)
            if cls is not None:
                return cls
        raise OriginalFormatError(f"original Lucid file: refusing to load {module}.{name} "
                                  f"(only OrderedDict and NumPy arrays are allowed)")

    def persistent_load(self, pid):
        raise OriginalFormatError(f"original Lucid file: persistent id {pid!r} refused")


def _check_array(value, where: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype.kind not in _NUMERIC_KINDS:
        raise OriginalFormatError(f"original Lucid file: {where} is "
                                  f"{type(value).__name__}, not a numeric NumPy array")
    return value


def read_original(data: bytes, source: str = "<bytes>"):
    """The content of an original-Lucid file's bytes: ``("Tensor", array)`` or
    ``("state_dict", OrderedDict[name, array])``."""
    try:
        obj = RestrictedUnpickler(io.BytesIO(data)).load()
    except OriginalFormatError:
        raise
    except Exception as exc:  # truncated or corrupt pickle, wrong file kind
        raise OriginalFormatError(f"{source}: not an original Lucid file "
                                  f"({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, dict) or "content" not in obj or "type" not in obj:
        raise OriginalFormatError(f"{source}: expected the original's dict with 'type', "
                                  f"'format_version' and 'content', got "
                                  f"{type(obj).__name__}")
    kind, content = obj["type"], obj["content"]
    if kind == "Tensor":
        return "Tensor", _check_array(content, f"{source} content")
    if kind in ("OrderedDict", "dict"):
        if not isinstance(content, dict):
            raise OriginalFormatError(f"{source}: a state dict file holds "
                                      f"{type(content).__name__}")
        state = collections.OrderedDict()
        for key, value in content.items():
            if not isinstance(key, str):
                raise OriginalFormatError(f"{source}: state dict key {key!r} is not a string")
            state[key] = _check_array(value, f"{source} entry {key!r}")
        return "state_dict", state
    raise OriginalFormatError(f"{source}: unknown content type {kind!r} (expected 'Tensor', "
                              f"'OrderedDict' or 'dict')")
