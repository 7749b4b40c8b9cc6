"""ImageNet-1k weights that timm publishes on the Hugging Face hub, for the Lucid models
verified against timm (same state-dict keys), one enum per model with timm's default
weights for that architecture: ``SE_ResNet_50_Weights.A1_IN1K`` (the member is timm's tag)
and ``.DEFAULT``.

The facts come from timm 1.0.31's pretrained configs (``timm_imagenet.json``, one record
per model): the hub repository (``timm/<model>.<tag>``, file ``model.safetensors``; the one
older file hosted on GitHub, ``legacy_xception``, carries its SHA-256 prefix in its name),
the parameter count, and the evaluation preprocessing: resize to ``floor(size /
crop_pct)`` then crop ``size`` (``crop_mode="squash"``: resize both sides, no aspect kept),
interpolation, mean and std. Top-1/top-5 accuracy are timm's published ImageNet-1k results
(``results/results-imagenet.csv`` of pytorch-image-models), measured at ``eval_size`` /
``eval_crop_pct``; the ten weights newer than that table (MobileNet v1/v4,
InceptionNeXt) carry ``metrics = {}``, as do MaxViT, EfficientFormer and the vision
transformers below (added without an offline copy of the table).

The vision transformers have timm's default tag too, each an ImageNet-1k classifier:
ViT Ti/S/L ``augreg_in21k_ft_in1k`` and ViT-B ``augreg2_in21k_ft_in1k`` (ImageNet-21k
pretraining fine-tuned on 1k, mean/std 0.5), Swin-T and Swin V2 T/S/B ``ms_in1k``, Swin
S/B/L ``ms_in22k_ft_in1k``, PVT v2 B0-B5 (and B2-Li) and all nine CrossViTs ``in1k``.
No entry: ``vit_huge`` (timm publishes only ImageNet-21k and MAE weights for
``vit_huge_patch14_224``, no 1k classifier), ``swin_v2_large`` (window 8 at 256, which
timm has no weights for: ``swinv2_large_window12_192`` has only ``ms_in22k``, 21841
classes, and timm's 1k fine-tunes use windows 16/24 over a pretrained window of 12, which
Lucid's model does not build), ``swin_v2_huge``/``swin_v2_giant`` (no timm weights).
timm's configs name no paper or origin for these weights: ``meta["paper"]`` and
``meta["origin"]`` are those cited in timm's model modules (ViT-B's re-fine-tuned weights:
timm itself).

``convnext_xlarge`` and ``efficientnet_v2_xl`` are built in torchvision's layout (as their
smaller siblings), which timm's files for them do not share, so they have no entry.

Hub files have no hash here: the hub publishes each file's SHA-256 with the file
(:mod:`lucid.weights.hub`), and downloads are checked against it.
"""

from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path

from lucid.weights.api import WeightsEntry, WeightsEnum, make_enum
from lucid.weights.categories import IMAGENET_CATEGORIES
from lucid.weights.presets import ImageClassification
from lucid.weights.torchvision_catalog import published_prefix

TABLE = Path(__file__).with_name("timm_imagenet.json")


def _preset(record: dict) -> partial:
    size = record["input_size"][-1]
    scale = math.floor(size / record["crop_pct"])
    resize = (scale, scale) if record["crop_mode"] == "squash" else scale
    return partial(ImageClassification, crop_size=size, resize_size=resize,
                   mean=tuple(record["mean"]), std=tuple(record["std"]),
                   interpolation=record["interpolation"])


def _entry(record: dict) -> WeightsEntry:
    hub_file = record["hf_hub_id"] is not None
    meta = {"num_classes": 1000, "categories": IMAGENET_CATEGORIES, "dataset": "ImageNet-1K",
            "num_params": record["num_params"],
            "metrics": {"ImageNet-1K": record["metrics"]} if record["metrics"] else {},
            "input_size": tuple(record["input_size"]), "license": record["license"],
            "paper": record["paper_ids"], "origin": record["origin_url"],
            "source": f"timm {record['timm_model']}.{record['tag']}", "model": record["model"]}
    return WeightsEntry(file_name=record["file_name"], url=record["url"],
                        sha256=None if hub_file else published_prefix(record["file_name"]),
                        meta=meta, transforms=_preset(record))


def _build() -> dict[str, type[WeightsEnum]]:
    enums = {}
    for record in json.loads(TABLE.read_text(encoding="utf-8")):
        member = record["member"]
        enums[record["enum"]] = make_enum(record["enum"], {member: _entry(record)}, member,
                                          __name__)
    return enums


ENUMS = _build()
globals().update(ENUMS)
__all__ = sorted(ENUMS)
