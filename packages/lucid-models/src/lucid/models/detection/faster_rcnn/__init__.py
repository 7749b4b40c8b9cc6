"""Faster R-CNN with ResNet-FPN backbones."""

from lucid.models.detection.faster_rcnn.model import (
    FasterRCNN,
    faster_rcnn_resnet_50_fpn,
    faster_rcnn_resnet_101_fpn,
)

__all__ = ["FasterRCNN", "faster_rcnn_resnet_50_fpn", "faster_rcnn_resnet_101_fpn"]
