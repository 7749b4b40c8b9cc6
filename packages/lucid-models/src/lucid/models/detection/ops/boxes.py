"""Box geometry: format conversion, area, IoU and generalized IoU (``torchvision.ops`` names).

Boxes are ``(..., 4)`` tensors. Formats:

- ``xyxy``: corners ``(x1, y1, x2, y2)``,
- ``xywh``: top-left corner and size ``(x1, y1, w, h)``,
- ``cxcywh``: centre and size ``(cx, cy, w, h)``.

IoU of boxes ``A`` and ``B``: ``|A n B| / |A u B|`` with ``|A u B| = |A| + |B| - |A n B|``.
Generalized IoU (Rezatofighi et al., CVPR 2019): ``IoU - (|C| - |A u B|) / |C|`` with ``C`` the
smallest box enclosing both. All of these are built from differentiable tensor ops, so
gradients flow to the coordinates as in torchvision.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError

__all__ = ["box_convert", "box_area", "box_iou", "generalized_box_iou", "clip_boxes_to_image",
           "remove_small_boxes"]

_FORMATS = ("xyxy", "xywh", "cxcywh")


def _check_boxes(op: str, boxes, name: str = "boxes") -> None:
    if not isinstance(boxes, lucid.Tensor):
        raise TypeError(f"{op}: {name} must be a lucid.Tensor, got {type(boxes).__name__}")
    if boxes.ndim < 1 or boxes.shape[-1] != 4:
        raise ShapeError(f"{op}: {name} must have shape (..., 4), got {tuple(boxes.shape)}")


def _to_xyxy(boxes, fmt: str):
    a, b, c, d = boxes.unbind(-1)
    if fmt == "xywh":
        return lucid.stack([a, b, a + c, b + d], dim=-1)
    if fmt == "cxcywh":
        return lucid.stack([a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d], dim=-1)
    return boxes


def _from_xyxy(boxes, fmt: str):
    x1, y1, x2, y2 = boxes.unbind(-1)
    if fmt == "xywh":
        return lucid.stack([x1, y1, x2 - x1, y2 - y1], dim=-1)
    if fmt == "cxcywh":
        return lucid.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim=-1)
    return boxes


def box_convert(boxes, in_fmt: str, out_fmt: str):
    """Convert ``(..., 4)`` boxes between the ``xyxy``, ``xywh`` and ``cxcywh`` formats."""
    _check_boxes("box_convert", boxes)
    for name, fmt in (("in_fmt", in_fmt), ("out_fmt", out_fmt)):
        if fmt not in _FORMATS:
            raise ValueError(f"box_convert: {name} must be one of {_FORMATS}, got {fmt!r}")
    if in_fmt == out_fmt:
        return boxes.clone()
    return _from_xyxy(_to_xyxy(boxes, in_fmt), out_fmt)


def box_area(boxes):
    """Area ``(x2 - x1) * (y2 - y1)`` of ``(N, 4)`` xyxy boxes, shape ``(N,)``."""
    _check_boxes("box_area", boxes)
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def _inter_union(boxes1, boxes2):
    area1, area2 = box_area(boxes1), box_area(boxes2)
    lt = lucid.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = lucid.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[:, None] + area2[None, :] - inter


def _check_pair(op: str, boxes1, boxes2) -> None:
    _check_boxes(op, boxes1, "boxes1")
    _check_boxes(op, boxes2, "boxes2")
    if boxes1.ndim != 2 or boxes2.ndim != 2:
        raise ShapeError(f"{op}: boxes must be 2-D (N, 4) and (M, 4), got "
                         f"{tuple(boxes1.shape)} and {tuple(boxes2.shape)}")


def box_iou(boxes1, boxes2):
    """Pairwise IoU of ``(N, 4)`` and ``(M, 4)`` xyxy boxes, shape ``(N, M)``."""
    _check_pair("box_iou", boxes1, boxes2)
    inter, union = _inter_union(boxes1, boxes2)
    return inter / union


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU ``IoU - (|C| - |A u B|) / |C|`` of xyxy boxes, ``(N, M)``."""
    _check_pair("generalized_box_iou", boxes1, boxes2)
    inter, union = _inter_union(boxes1, boxes2)
    iou = inter / union
    lt = lucid.minimum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = lucid.maximum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    enclosing = wh[..., 0] * wh[..., 1]
    return iou - (enclosing - union) / enclosing


def clip_boxes_to_image(boxes, size):
    """Clip xyxy boxes to an image of ``size = (height, width)``."""
    _check_boxes("clip_boxes_to_image", boxes)
    height, width = size
    x1, y1, x2, y2 = boxes.unbind(-1)
    return lucid.stack([x1.clamp(0, width), y1.clamp(0, height),
                        x2.clamp(0, width), y2.clamp(0, height)], dim=-1)


def remove_small_boxes(boxes, min_size: float):
    """Indices (int64) of the xyxy boxes whose width and height are both ``>= min_size``."""
    _check_boxes("remove_small_boxes", boxes)
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    keep = lucid.logical_and(w >= min_size, h >= min_size)
    return lucid.nonzero(keep).reshape(-1)
