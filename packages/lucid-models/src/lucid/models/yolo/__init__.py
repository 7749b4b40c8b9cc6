"""YOLO detectors v1-v4: networks, per-version losses and post-processing
(``model.loss(images, targets)``, ``model.predict(images)``)."""

from lucid.models.yolo.anchor_detector import AnchorYOLO
from lucid.models.yolo.v1 import YOLO_V1, yolo_v1, yolo_v1_tiny
from lucid.models.yolo.v2 import YOLO_V2, yolo_v2, yolo_v2_tiny
from lucid.models.yolo.v3 import YOLO_V3, Darknet53, yolo_v3, yolo_v3_tiny
from lucid.models.yolo.v4 import YOLO_V4, yolo_v4

__all__ = ["AnchorYOLO", "Darknet53", "YOLO_V1", "YOLO_V2", "YOLO_V3", "YOLO_V4", "yolo_v1",
           "yolo_v1_tiny", "yolo_v2", "yolo_v2_tiny", "yolo_v3", "yolo_v3_tiny", "yolo_v4"]
