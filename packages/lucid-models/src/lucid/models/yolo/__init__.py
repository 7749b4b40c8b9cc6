"""YOLO detectors v1-v4: networks, per-version losses and post-processing."""

from lucid.models.yolo.anchor_detector import AnchorYOLO
from lucid.models.yolo.v3 import YOLO_V3, Darknet53, yolo_v3, yolo_v3_tiny

__all__ = ["AnchorYOLO", "YOLO_V3", "Darknet53", "yolo_v3", "yolo_v3_tiny"]
