"""DETR: transformer detectors with Hungarian set loss."""

from lucid.models.detection.detr.model import DETR, detr_r50, detr_r101

__all__ = ["DETR", "detr_r50", "detr_r101"]
