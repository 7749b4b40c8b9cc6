"""``lucid.port``: the original Lucid's checkpoints in Lucid.

    state = lucid.port.load_original("lenet5.lcd")            # Lucid key names
    model = lucid.port.load_original("resnet18.lcd", model=lucid.models.resnet_18())
    x = lucid.port.load_original("tensor.lct")                # a Tensor

``.lct`` holds one tensor, ``.lcd`` a state dict (:mod:`lucid.port.unpickle` reads them
without running code). State dict keys of the original's LeNet and ResNet are renamed to
Lucid's (:mod:`lucid.port.keys`; detected from the names, or ``architecture=``); other
keys are kept. With ``model=`` the weights are loaded into it (strictly: missing or
unexpected keys raise ``KeyError`` and nothing changes) and the model is returned.
``.safetensors`` files are read by :func:`lucid.load` directly.
"""

from __future__ import annotations

from pathlib import Path

from lucid.port.keys import complete_batch_norm, detect_architecture, to_lucid_keys
from lucid.port.unpickle import OriginalFormatError, read_original
from lucid.tensor import Tensor

__all__ = ["load_original", "OriginalFormatError"]

_AUTO = "auto"


def load_original(path, model=None, *, architecture: str | None = _AUTO, device="cpu"):
    """Read an original-Lucid ``.lcd``/``.lct`` file: a Tensor, a state dict of Tensors
    (Lucid's key names), or ``model`` with the weights loaded."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"load_original: no such file: {path}")
    kind, content = read_original(path.read_bytes(), str(path))
    if kind == "Tensor":
        if model is not None:
            raise OriginalFormatError(f"{path}: holds one tensor, not a model's state dict")
        return Tensor(content, device=device)
    if architecture == _AUTO:
        architecture = detect_architecture(content)
    state = to_lucid_keys(content, architecture)
    if model is None:
        return {key: Tensor(value, device=device) for key, value in state.items()}
    expected = model.state_dict().keys()
    state = complete_batch_norm(state, expected)
    model.load_state_dict({key: Tensor(value, device=device) for key, value in state.items()})
    return model
