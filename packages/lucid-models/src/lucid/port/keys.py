"""The original Lucid's state-dict key names -> Lucid's, for the architectures whose
layers match (LeNet, ResNet); Lucid's names are torchvision's.

Original LeNet (``lenet_1/4/5``)::

    conv1.0.*  -> features.0.*       (Conv2d inside conv1 = Sequential(conv, act, pool))
    conv2.0.*  -> features.3.*
    fc{k}.*    -> classifier.{2(k-1)}.*   (Linear layers between the activations)

Original ResNet (``resnet_18 .. resnet_152``)::

    stem.conv.*               -> conv1.*       (stem = ConvBNReLU2d)
    stem.bn.*                 -> bn1.*
    layerI.J.conv{n}.conv.*   -> layerI.J.conv{n}.*   (bottleneck conv1/conv2 = ConvBNReLU2d)
    layerI.J.conv{n}.bn.*     -> layerI.J.bn{n}.*
    layerI.J.conv3.0.*        -> layerI.J.conv3.*     (bottleneck conv3 = Sequential(conv, bn))
    layerI.J.conv3.1.*        -> layerI.J.bn3.*

Basic blocks (``conv1``/``bn1``/``conv2``/``bn2``), ``downsample.0/1`` and ``fc`` already
have torchvision's names. The original's BatchNorm kept no ``num_batches_tracked``;
:func:`complete_batch_norm` adds it (0) where a model expects it.
"""

from __future__ import annotations

import re

__all__ = ["ARCHITECTURES", "detect_architecture", "to_lucid_keys", "complete_batch_norm"]

_LENET = [
    (r"^conv1\.0\.(.+)$", r"features.0.\1"),
    (r"^conv2\.0\.(.+)$", r"features.3.\1"),
    (r"^fc(\d+)\.(.+)$", lambda m: f"classifier.{2 * (int(m.group(1)) - 1)}.{m.group(2)}"),
]
_RESNET = [
    (r"^stem\.conv\.(.+)$", r"conv1.\1"),
    (r"^stem\.bn\.(.+)$", r"bn1.\1"),
    (r"^(layer\d+\.\d+)\.conv(\d)\.conv\.(.+)$", r"\1.conv\2.\3"),
    (r"^(layer\d+\.\d+)\.conv(\d)\.bn\.(.+)$", r"\1.bn\2.\3"),
    (r"^(layer\d+\.\d+)\.conv3\.0\.(.+)$", r"\1.conv3.\2"),
    (r"^(layer\d+\.\d+)\.conv3\.1\.(.+)$", r"\1.bn3.\2"),
]
ARCHITECTURES = {"lenet": _LENET, "resnet": _RESNET}


def detect_architecture(keys) -> str | None:
    """``"resnet"``, ``"lenet"`` or ``None`` (keys kept as they are), from the key names."""
    keys = set(keys)
    if "stem.conv.weight" in keys and any(k.startswith("layer1.") for k in keys):
        return "resnet"
    if "conv1.0.weight" in keys and "fc1.weight" in keys:
        return "lenet"
    return None


def to_lucid_keys(state: dict, architecture: str | None) -> dict:
    """``state`` with each key renamed by the first matching rule of ``architecture``."""
    if architecture is None:
        return dict(state)
    if architecture not in ARCHITECTURES:
        raise ValueError(f"load_original: unknown architecture {architecture!r}; known: "
                         f"{sorted(ARCHITECTURES)}")
    rules = [(re.compile(p), r) for p, r in ARCHITECTURES[architecture]]
    out = {}
    for key, value in state.items():
        new = key
        for pattern, repl in rules:
            if pattern.match(key):
                new = pattern.sub(repl, key)
                break
        if new in out:
            raise ValueError(f"load_original: two keys map to {new!r}")
        out[new] = value
    return out


def complete_batch_norm(state: dict, expected_keys) -> dict:
    """Add ``<bn>.num_batches_tracked = 0`` for every BatchNorm in ``expected_keys`` whose
    running statistics ``state`` holds but whose counter it does not."""
    import numpy as np

    out = dict(state)
    for key in expected_keys:
        if key.endswith(".num_batches_tracked") and key not in out:
            prefix = key[: -len("num_batches_tracked")]
            if prefix + "running_mean" in out:
                out[key] = np.zeros((), dtype=np.int64)
    return out
