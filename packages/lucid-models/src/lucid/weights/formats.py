"""Reading a weights file into a state dict, whatever wrote it.

* PyTorch checkpoints (``torch.save``: ``.pth``/``.pt``/``.bin``, a zip archive) through
  the restricted reader :func:`lucid.weights.pth.read_pth` (no torch, no code run); a
  training checkpoint holding its weights under ``state_dict``/``model``/``model_state``
  gives those.
* ``.safetensors`` (Hugging Face, timm) through the ``safetensors`` package.
* ``.lcd`` (Lucid's own format) through :func:`lucid.load`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

import lucid
from lucid.serialization import CheckpointError
from lucid.weights.pth import read_pth

NESTED_KEYS = ("state_dict", "model", "model_state", "model_state_dict")


def _flat_state(obj, path: Path) -> Mapping:
    """The ``{name: array}`` mapping in a loaded checkpoint."""
    if isinstance(obj, Mapping) and obj and all(isinstance(v, np.ndarray) for v in obj.values()):
        return obj
    if isinstance(obj, Mapping):
        for key in NESTED_KEYS:
            if key in obj:
                return _flat_state(obj[key], path)
    raise CheckpointError(f"weights: {path} holds a {type(obj).__name__}, not a state dict "
                          f"of tensors (nor one under {', '.join(NESTED_KEYS)})")


def load_state_file(path, map_location=None) -> dict:
    """The state dict ``{name: Tensor}`` stored at ``path`` (format from its contents)."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        device = map_location if map_location is not None else "cpu"
        state = _flat_state(read_pth(path), path)
        return {str(k): lucid.tensor(v, device=device) for k, v in state.items()}
    return lucid.load(path, map_location=map_location)
