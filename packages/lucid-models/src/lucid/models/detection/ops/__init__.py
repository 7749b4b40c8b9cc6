"""Box operations for detection (torchvision.ops names): geometry, IoU, NMS, RoI pooling,
anchors; and the Hungarian assignment DETR matches with."""

from lucid.models.detection.ops.anchors import AnchorGenerator, cell_anchors
from lucid.models.detection.ops.assignment import linear_sum_assignment
from lucid.models.detection.ops.boxes import (
           box_area,
           box_convert,
           box_iou,
           clip_boxes_to_image,
           generalized_box_iou,
           remove_small_boxes,
)
from lucid.models.detection.ops.nms import batched_nms, nms
from lucid.models.detection.ops.roi_align import roi_align
from lucid.models.detection.ops.roi_pool import roi_pool

__all__ = ["AnchorGenerator", "cell_anchors", "box_area", "box_convert", "box_iou",
           "clip_boxes_to_image", "generalized_box_iou", "remove_small_boxes", "nms",
           "batched_nms", "roi_align", "roi_pool", "linear_sum_assignment"]
