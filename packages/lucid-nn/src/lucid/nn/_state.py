"""Tensor bookkeeping behind ``Module``: moving tensors in place and loading state dicts."""

from __future__ import annotations

from collections import namedtuple

from lucid.autograd.grad_mode import no_grad
from lucid.errors import DTypeError
from lucid.tensor import Tensor

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class StateDictError(KeyError, RuntimeError):
    """A state dict does not fit the module (missing or unexpected keys, wrong shapes).
    Both a ``KeyError`` (Lucid's contract) and a ``RuntimeError`` (PyTorch's)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def move_tensor(target: Tensor, source: Tensor) -> Tensor:
    """Make ``target`` hold ``source``'s data, device and dtype; ``target`` keeps its
    identity, ``requires_grad`` and hooks. Returns ``target``."""
    target.data = source
    return target


def _expected_tensors(module) -> dict:
    """Every key of ``module.state_dict()`` with the tensor object it comes from."""
    out = {}
    for prefix, mod in module.named_modules(remove_duplicate=False):
        dot = prefix + "." if prefix else ""
        for name, param in mod._parameters.items():
            if param is not None:
                out[dot + name] = (mod, "_parameters", name, param)
        for name, buf in mod._buffers.items():
            if buf is not None and name not in mod._non_persistent_buffers_set:
                out[dot + name] = (mod, "_buffers", name, buf)
    return out


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def load_state_dict(module, state_dict, strict: bool = True, assign: bool = False):
    """Check everything first, then copy (see :meth:`Module.load_state_dict`)."""
    if not hasattr(state_dict, "keys"):
        raise TypeError(f"load_state_dict: expected a dict-like state dict, got "
                        f"{type(state_dict).__name__}")
    expected = _expected_tensors(module)
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched, values, unreadable = [], {}, []
    for key, (_, _, _, current) in expected.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor):
            try:
                value = Tensor(value, device=current.device)
            except (TypeError, ValueError) as exc:  # DTypeError/ShapeError included
                unreadable.append(f"{key!r} holds {type(value).__name__} {_short(value)}, "
                                  f"not a tensor ({exc})")
                continue
        if tuple(value.shape) != tuple(current.shape):
            mismatched.append(f"size mismatch for {key}: copying a param with shape "
                              f"{tuple(value.shape)} from checkpoint, the shape in current "
                              f"model is {tuple(current.shape)}.")
        values[key] = value
    if unreadable:
        raise DTypeError(f"load_state_dict for {module._get_name()}: "
                         + "; ".join(unreadable))
    errors = list(mismatched)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in missing) + ".")
    if errors:
        raise StateDictError(f"Error(s) in loading state_dict for {module._get_name()}:\n\t"
                             + "\n\t".join(errors))
    with no_grad():
        converted = {}  # every conversion first, so a failure leaves the module untouched
        for key, value in values.items():
            current = expected[key][3]
            value = value.detach().to(current.device)
            if value.dtype != current.dtype:
                value = value.astype(current.dtype)
            converted[key] = value.clone()
        for key, value in converted.items():
            mod, registry, name, current = expected[key]
            if assign and registry == "_buffers":
                mod._buffers[name] = value
            else:
                move_tensor(current, value)
    return IncompatibleKeys(missing, unexpected)
