"""Faster R-CNN with a ResNet-FPN backbone (Ren et al., "Faster R-CNN: Towards Real-Time
Object Detection with Region Proposal Networks", NeurIPS 2015; FPN: Lin et al., CVPR 2017),
torchvision's ``FasterRCNN`` module tree and parameter names.

``model(images)`` in eval mode returns one dict per image ``{"boxes" (K, 4) xyxy in input
pixels, "scores" (K,), "labels" (K,) int64}``; in training ``model(images, targets)`` (targets:
dicts with ``boxes`` and ``labels``) returns ``{"loss_classifier", "loss_box_reg",
"loss_objectness", "loss_rpn_box_reg"}``. ``images``: a list of ``(3, H, W)`` tensors in
[0, 1] or an ``(N, 3, H, W)`` batch.

Parameter counts (91 classes, torchvision's COCO default): R50-FPN 41,755,286 (torchvision
``fasterrcnn_resnet50_fpn``); R101-FPN 60,695,190. The original Lucid builds the same
detector; ``num_classes`` counts the background class, as in torchvision. As in torchvision,
the backbone's batch norms are frozen (``FrozenBatchNorm2d``: buffers) when weights are loaded
and ordinary trainable batch norms from scratch (then 41,808,406 / 60,800,534 parameters);
``frozen_batch_norm=True/False`` overrides. Likewise ``trainable_backbone_layers`` defaults
to 3 with weights and 5 from scratch.
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.models.detection.faster_rcnn.backbone import BackboneWithFPN
from lucid.models.detection.faster_rcnn.roi_heads import (
    FastRCNNPredictor,
    MultiScaleRoIAlign,
    RoIHeads,
    TwoMLPHead,
)
from lucid.models.detection.faster_rcnn.rpn import RegionProposalNetwork, RPNHead
from lucid.models.detection.faster_rcnn.transform import RCNNTransform
from lucid.models.detection.frozen_batch_norm import freeze_batch_norm
from lucid.models.detection.ops import AnchorGenerator
from lucid.models.registry import register_model
from lucid.models.resnet import resnet_50, resnet_101
from lucid.weights.api import load_weights_into

__all__ = ["FasterRCNN", "faster_rcnn_resnet_50_fpn", "faster_rcnn_resnet_101_fpn"]

_RPN_KEYS = ("fg_iou_thresh", "bg_iou_thresh", "batch_size_per_image", "positive_fraction",
             "pre_nms_top_n", "post_nms_top_n", "nms_thresh", "score_thresh")
_BOX_KEYS = ("fg_iou_thresh", "bg_iou_thresh", "batch_size_per_image", "positive_fraction",
             "score_thresh", "nms_thresh", "detections_per_img")


class FasterRCNN(nn.Module):
    """Transform -> backbone (FPN maps) -> RPN proposals -> RoI box head.

    Options (torchvision's names): ``min_size``, ``max_size``, ``image_mean``, ``image_std``,
    ``rpn_*`` (``rpn_pre_nms_top_n_test``, ``rpn_post_nms_top_n_test``, ...
    ``rpn_nms_thresh``, ``rpn_fg_iou_thresh``, ...), ``box_*`` (``box_score_thresh``,
    ``box_nms_thresh``, ``box_detections_per_img``, ...).
    """

    def __init__(self, backbone, num_classes: int = 91, *, min_size=800, max_size=1333,
                 image_mean=(0.485, 0.456, 0.406), image_std=(0.229, 0.224, 0.225),
                 **options) -> None:
        super().__init__()
        rpn_opts = {k: options.pop(f"rpn_{k}") for k in _RPN_KEYS if f"rpn_{k}" in options}
        for mode in ("pre", "post"):
            train = options.pop(f"rpn_{mode}_nms_top_n_train", 2000)
            test = options.pop(f"rpn_{mode}_nms_top_n_test", 1000)
            rpn_opts[f"{mode}_nms_top_n"] = {"training": train, "testing": test}
        box_opts = {k: options.pop(f"box_{k}") for k in _BOX_KEYS if f"box_{k}" in options}
        if options:
            raise TypeError(f"FasterRCNN: unknown options {sorted(options)}")
        self.transform = RCNNTransform(min_size, max_size, image_mean, image_std)
        self.backbone = backbone
        c = backbone.out_channels
        anchors = AnchorGenerator(((32,), (64,), (128,), (256,), (512,)),
                                  ((0.5, 1.0, 2.0),) * 5)
        self.rpn = RegionProposalNetwork(
            anchors, RPNHead(c, anchors.num_anchors_per_location()[0]), **rpn_opts)
        self.roi_heads = RoIHeads(MultiScaleRoIAlign(7, 2), TwoMLPHead(c * 7 * 7, 1024),
                                  FastRCNNPredictor(1024, num_classes), **box_opts)

    def forward(self, images, targets=None):
        if self.training and targets is None:
            raise ValueError("FasterRCNN: training mode needs targets (list of dicts with "
                             "'boxes' and 'labels')")
        images = list(images)
        original = [tuple(img.shape[-2:]) for img in images]
        with lucid.device(images[0].device):  # host-built index/constant tensors follow
            batch, sizes, targets = self.transform(images, targets)
            feats = self.backbone(batch)
            proposals, rpn_losses = self.rpn(tuple(batch.shape[-2:]), sizes, feats, targets)
            detections, box_losses = self.roi_heads(feats[:4], proposals, sizes, targets)
        if self.training:
            return {**box_losses, **rpn_losses}
        return self.transform.postprocess(detections, sizes, original)


def _build(resnet, num_classes, weights, trainable_backbone_layers, options) -> FasterRCNN:
    if trainable_backbone_layers is None:  # torchvision: 3 with weights, all 5 from scratch
        trainable_backbone_layers = 3 if weights is not None else 5
    frozen = options.pop("frozen_batch_norm", None)
    if frozen is None:  # torchvision: frozen statistics only under loaded weights
        frozen = weights is not None
    backbone = BackboneWithFPN(freeze_batch_norm(resnet) if frozen else resnet,
                               trainable_backbone_layers)
    model = FasterRCNN(backbone, num_classes, **options)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def faster_rcnn_resnet_50_fpn(num_classes: int = 91, weights=None,
                              trainable_backbone_layers=None, **kwargs) -> FasterRCNN:
    """Faster R-CNN, ResNet-50-FPN: 41,755,286 parameters at 91 classes with frozen batch
    norms (torchvision ``fasterrcnn_resnet50_fpn`` with weights, same state-dict keys),
    41,808,406 from scratch (trainable batch norms, as torchvision's)."""
    return _build(resnet_50(), num_classes, weights, trainable_backbone_layers, kwargs)


@register_model
def faster_rcnn_resnet_101_fpn(num_classes: int = 91, weights=None,
                               trainable_backbone_layers=None, **kwargs) -> FasterRCNN:
    """Faster R-CNN, ResNet-101-FPN: 60,695,190 parameters at 91 classes with frozen batch
    norms, 60,800,534 from scratch (torchvision's ``FasterRCNN`` on a ResNet-101 FPN)."""
    return _build(resnet_101(), num_classes, weights, trainable_backbone_layers, kwargs)
