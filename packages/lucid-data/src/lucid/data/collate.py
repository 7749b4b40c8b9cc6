"""Turning a list of samples into one batch: ``default_collate`` and ``to_lucid``.

The rules, per field of a sample (recursively through containers), follow PyTorch's
``default_collate``:

==========================================  =============================================
sample field                                 batched as
==========================================  =============================================
Lucid tensor / NumPy array of shape ``s``   tensor of shape ``(B, *s)``, same dtype
                                             (``float64`` NumPy stays ``float64``)
NumPy scalar                                 tensor of shape ``(B,)``, same dtype
Python ``bool`` / ``int`` / ``float``        ``bool`` / ``int64`` / ``float64`` tensor
                                             (``float64`` as in PyTorch; call
                                             ``.float()``/``.astype`` for ``float32``)
``str`` / ``bytes`` / ``None``               a list of the ``B`` values
``dict``                                     a dict of batched fields (keys of sample 0)
``tuple`` / ``list`` / namedtuple            the same container of batched fields (PyTorch
                                             returns a list for tuples; Lucid keeps tuple)
==========================================  =============================================

Fields with different shapes across samples are an error that names both shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lucid.errors import DTypeError, ShapeError
from lucid.tensor import Tensor

__all__ = ["default_collate", "collate_numpy", "to_lucid"]

_PYTHON_DTYPES = {bool: np.bool_, int: np.int64, float: np.float64}


def _leaf_array(value) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.detach().numpy()
    return np.asarray(value)


def collate_numpy(batch: Sequence, where: str = "batch"):
    """Like :func:`default_collate` with NumPy arrays as leaves (no Lucid tensors yet)."""
    if len(batch) == 0:
        raise ValueError("default_collate: cannot collate an empty batch")
    first = batch[0]
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        arrays = [_leaf_array(x) for x in batch]
        shape = arrays[0].shape
        for i, a in enumerate(arrays):
            if a.shape != shape:
                raise ShapeError(f"default_collate: {where} sample 0 has shape {shape} but "
                                 f"sample {i} has shape {a.shape}; pad or resize the "
                                 "samples, or pass a collate_fn")
        out = np.stack(arrays)
        if out.dtype.kind not in "biuf":
            raise DTypeError(f"default_collate: {where} has NumPy dtype {out.dtype}, which "
                             "cannot become a tensor")
        return out
    if isinstance(first, (bool, int, float)):
        kinds = {type(x) for x in batch}
        target = float if float in kinds else int if int in kinds else bool
        if not kinds <= {bool, int, float}:
            raise DTypeError(f"default_collate: {where} mixes numbers with "
                             f"{sorted(k.__name__ for k in kinds)}")
        return np.asarray(batch, dtype=_PYTHON_DTYPES[target])
    if first is None or isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {k: collate_numpy([s[k] for s in batch], f"{where}[{k!r}]") for k in first}
    if isinstance(first, Sequence):
        size = len(first)
        for i, s in enumerate(batch):
            if len(s) != size:
                raise ShapeError(f"default_collate: {where} sample 0 has {size} fields but "
                                 f"sample {i} has {len(s)}")
        fields = [collate_numpy([s[j] for s in batch], f"{where}[{j}]") for j in range(size)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # namedtuple
            return type(first)(*fields)
        return tuple(fields) if isinstance(first, tuple) else fields
    raise DTypeError(f"default_collate: {where} holds a {type(first).__name__}; supported: "
                     "tensors, NumPy arrays, numbers, str, dict, tuple, list (or pass a "
                     "collate_fn)")


def to_lucid(structure, device="cpu"):
    """Replace every NumPy array (and Lucid tensor) in ``structure`` by a Lucid tensor on
    ``device``; other leaves stay as they are."""
    if isinstance(structure, np.ndarray):
        return Tensor(structure, device=device)
    if isinstance(structure, Tensor):
        return structure.to(device)
    if isinstance(structure, Mapping):
        return {k: to_lucid(v, device) for k, v in structure.items()}
    if isinstance(structure, tuple):
        fields = [to_lucid(v, device) for v in structure]
        return type(structure)(*fields) if hasattr(structure, "_fields") else tuple(fields)
    if isinstance(structure, list) and structure and \
            isinstance(structure[0], (np.ndarray, Tensor, Mapping, tuple, list)):
        return [to_lucid(v, device) for v in structure]
    return structure


def default_collate(batch: Sequence, device="cpu"):
    """Stack a list of samples into one batch of Lucid tensors on ``device`` (rules above).

    >>> default_collate([(np.zeros(2), 1), (np.ones(2), 0)])[1].numpy()
    array([1, 0])
    """
    return to_lucid(collate_numpy(batch), device)
