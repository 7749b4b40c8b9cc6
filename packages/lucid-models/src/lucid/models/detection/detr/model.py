"""DETR (Carion et al., "End-to-End Object Detection with Transformers", ECCV 2020).

A ResNet (frozen batch norms, ``layer2..4`` trainable) gives C5; a 1x1 convolution projects it
to ``d = 256``; a 6+6-layer transformer (8 heads, FFN 2048, dropout 0.1) with sine positional
codes decodes 100 learned object queries; per query a linear layer gives ``num_classes + 1``
logits (last = no object) and a 3-layer MLP a sigmoid-normalised cxcywh box. Training uses
Hungarian matching and the set loss (:mod:`.criterion`).

``model(images)`` in eval mode returns, per image, all 100 queries as
``{"boxes" xyxy pixels, "scores", "labels"}`` (score = best non-background probability), as
the paper's post-processing; ``model(images, targets)`` in training returns the weighted loss
terms (targets as torchvision's: ``boxes`` xyxy in pixels, ``labels``). Images: a list of
``(3, H, W)`` tensors in [0, 1] (normalised with ImageNet mean/std inside, zero-padded to a
common size with a padding mask) or an ``(N, 3, H, W)`` batch.

Parameter counts at 91 classes (the paper's COCO setting; keys as the reference code's):
DETR-R50 41,524,768 ("41M", paper Table 1), DETR-R101 60,464,672 ("60M").
"""

from __future__ import annotations

import numpy as np

import lucid
from lucid import nn
from lucid.models.detection.detr.criterion import SetCriterion
from lucid.models.detection.detr.position_encoding import sine_position_encoding
from lucid.models.detection.detr.transformer import DETRTransformer
from lucid.models.detection.faster_rcnn.backbone import ResNetBody
from lucid.models.detection.frozen_batch_norm import freeze_batch_norm
from lucid.models.detection.ops import box_convert
from lucid.models.registry import register_model
from lucid.models.resnet import resnet_50, resnet_101
from lucid.nn import functional as F
from lucid.weights.api import load_weights_into

__all__ = ["DETR", "detr_r50", "detr_r101"]

_MEAN, _STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


class _Backbone(nn.Module):
    def __init__(self, resnet) -> None:
        super().__init__()
        self.body = ResNetBody(freeze_batch_norm(resnet), trainable_layers=3)

    def forward(self, x):
        return self.body(x)[-1]


class MLP(nn.Module):
    """``num_layers`` linear layers with ReLU between (DETR's box head)."""

    def __init__(self, in_dim: int, hidden: int, out_dim: int, num_layers: int) -> None:
        super().__init__()
        dims = [in_dim] + [hidden] * (num_layers - 1)
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(dims, dims[1:] + [out_dim])])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x) if i == len(self.layers) - 1 else F.relu(layer(x))
        return x


class DETR(nn.Module):
    def __init__(self, resnet, num_classes: int = 91, num_queries: int = 100,
                 hidden_dim: int = 256, aux_loss: bool = True, **transformer_kwargs) -> None:
        super().__init__()
        self.num_classes, self.num_queries, self.aux_loss = num_classes, num_queries, aux_loss
        self.transformer = DETRTransformer(hidden_dim, **transformer_kwargs)
        self.class_embed = nn.Linear(hidden_dim, num_classes + 1)
        self.bbox_embed = MLP(hidden_dim, hidden_dim, 4, 3)
        self.query_embed = nn.Embedding(num_queries, hidden_dim)
        channels = resnet.fc.in_features
        self.input_proj = nn.Conv2d(channels, hidden_dim, 1)
        self.backbone = nn.Sequential(_Backbone(resnet))
        self.criterion = SetCriterion(num_classes)

    def _batch(self, images):
        images = list(images)
        h = max(img.shape[-2] for img in images)
        w = max(img.shape[-1] for img in images)
        mask = np.ones((len(images), h, w), dtype=bool)
        padded = []
        for i, img in enumerate(images):
            mean = lucid.tensor(_MEAN, dtype=img.dtype).reshape(-1, 1, 1)
            std = lucid.tensor(_STD, dtype=img.dtype).reshape(-1, 1, 1)
            ih, iw = img.shape[-2:]
            padded.append(F.pad((img - mean) / std, (0, w - iw, 0, h - ih)))
            mask[i, :ih, :iw] = False
        return lucid.stack(padded), mask, [tuple(img.shape[-2:]) for img in images]

    def raw(self, images):
        """Per decoder layer: ``pred_logits (L, N, Q, C+1)``, ``pred_boxes (L, N, Q, 4)``
        (normalised cxcywh), plus the image sizes."""
        batch, mask, sizes = self._batch(images)
        feat = self.backbone(batch)
        fh, fw = feat.shape[-2:]
        # nearest downsampling of the padding mask to the feature grid
        ys = (np.arange(fh) * mask.shape[1] / fh).astype(np.int64)
        xs = (np.arange(fw) * mask.shape[2] / fw).astype(np.int64)
        fmask = mask[:, ys][:, :, xs]
        pos = sine_position_encoding(fmask, self.transformer.d_model // 2, dtype=feat.dtype,
                                     device=feat.device)
        hs = self.transformer(self.input_proj(feat),
                              lucid.tensor(fmask, device=feat.device),
                              self.query_embed.weight, pos)
        return {"pred_logits": self.class_embed(hs),
                "pred_boxes": lucid.sigmoid(self.bbox_embed(hs))}, sizes

    def forward(self, images, targets=None):
        if self.training and targets is None:
            raise ValueError("DETR: training mode needs targets (list of dicts with 'boxes' "
                             "and 'labels')")
        images = list(images)
        with lucid.device(images[0].device):  # host-built index/constant tensors follow
            return self._forward(images, targets)

    def _forward(self, images, targets):
        out, sizes = self.raw(images)
        if self.training:
            norm = []
            for t, (h, w) in zip(targets, sizes):
                scale = lucid.tensor([w, h, w, h], dtype=t["boxes"].dtype)
                norm.append({"labels": t["labels"],
                             "boxes": box_convert(t["boxes"] / scale, "xyxy", "cxcywh")})
            if not self.aux_loss:
                out = {k: v[-1:] for k, v in out.items()}
            return self.criterion(out, norm)
        prob = F.softmax(out["pred_logits"][-1], dim=-1)[..., :-1]
        scores = prob.amax(dim=-1)
        labels = prob.argmax(dim=-1)
        results = []
        for i, (h, w) in enumerate(sizes):
            scale = lucid.tensor([w, h, w, h], dtype=prob.dtype)
            boxes = box_convert(out["pred_boxes"][-1][i], "cxcywh", "xyxy") * scale
            results.append({"boxes": boxes, "scores": scores[i], "labels": labels[i]})
        return results


def _build(resnet, num_classes, weights, kwargs) -> DETR:
    model = DETR(resnet, num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


@register_model
def detr_r50(num_classes: int = 91, weights=None, **kwargs) -> DETR:
    """DETR with a ResNet-50 backbone: 41,524,768 parameters at 91 classes (paper: 41M)."""
    return _build(resnet_50(), num_classes, weights, kwargs)


@register_model
def detr_r101(num_classes: int = 91, weights=None, **kwargs) -> DETR:
    """DETR with a ResNet-101 backbone: 60,464,672 parameters at 91 classes (paper: 60M)."""
    return _build(resnet_101(), num_classes, weights, kwargs)
