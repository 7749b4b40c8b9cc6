"""ImageNet-1k weights that torchvision publishes, for the Lucid models with the same
architecture (and, by design, the same state-dict keys), one enum per model:
``ResNet_50_Weights.IMAGENET1K_V1``, ``.IMAGENET1K_V2``, ``.DEFAULT`` (torchvision's default).

The facts come from torchvision 0.28's weight tables (``torchvision_imagenet.json``, one
record per model): the file's URL on ``download.pytorch.org`` (its name carries the first
hex digits of the file's SHA-256, which is what torchvision publishes and what downloads
are checked against), the parameter count, top-1/top-5 ImageNet-1k accuracy, GFLOPs, file
size, training recipe and the evaluation preprocessing (resize/crop sizes, interpolation).
Torchvision's enum name is an alias (``ResNet50_Weights``), as is the torchvision habit.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from lucid.weights.api import WeightsEntry, WeightsEnum, make_enum
from lucid.weights.categories import IMAGENET_CATEGORIES
from lucid.weights.presets import ImageClassification

TABLE = Path(__file__).with_name("torchvision_imagenet.json")


def published_prefix(file_name: str) -> str:
    """``resnet50-0676ba61.pth`` -> ``0676ba61`` (torchvision's SHA-256 prefix)."""
    return file_name.rsplit("-", 1)[1].split(".", 1)[0]


def _entry(record: dict, facts: dict) -> WeightsEntry:
    file_name = facts["url"].rsplit("/", 1)[1]
    meta = {"num_classes": 1000, "categories": IMAGENET_CATEGORIES, "dataset": "ImageNet-1K",
            "num_params": facts["num_params"],
            "metrics": {"ImageNet-1K": {"acc@1": facts["acc@1"], "acc@5": facts["acc@5"]}},
            "gflops": facts["gflops"], "file_size_mb": facts["file_size_mb"],
            "recipe": facts["recipe"], "min_size": tuple(facts["min_size"]),
            "source": f"torchvision {record['torchvision_model']} "
                      f"({record['torchvision_enum']})", "model": record["model"]}
    if "key_renames" in record:  # DenseNet files keep the old "norm.1" module names
        meta["key_renames"] = tuple(tuple(pair) for pair in record["key_renames"])
    preset = partial(ImageClassification, crop_size=facts["crop_size"],
                     resize_size=facts["resize_size"], interpolation=facts["interpolation"])
    return WeightsEntry(file_name=file_name, url=facts["url"],
                        sha256=published_prefix(file_name), meta=meta, transforms=preset)


def _build() -> dict[str, type[WeightsEnum]]:
    enums = {}
    for record in json.loads(TABLE.read_text(encoding="utf-8")):
        members = {name: _entry(record, facts) for name, facts in record["weights"].items()}
        enum = make_enum(record["enum"], members, record["default"], __name__)
        enums[record["enum"]] = enums[record["torchvision_enum"]] = enum
    return enums


ENUMS = _build()
globals().update(ENUMS)
__all__ = sorted(ENUMS)
