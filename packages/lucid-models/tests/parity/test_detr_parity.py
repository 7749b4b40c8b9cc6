"""DETR parameter counts from independent parts: torchvision's ResNet without ``fc`` and
without batch-norm affine parameters (frozen batch norms are buffers in DETR), torch's
``nn.Transformer(256, 8, 6, 6, 2048)`` without the encoder's final norm (DETR's post-norm
encoder has none), the 1x1 input projection, 100 query embeddings, the 92-way classifier and
the 3-layer box MLP. Paper (Carion et al., ECCV 2020, Table 1): 41M (R50), 60M (R101)."""

from __future__ import annotations

import pytest
import torch
import torchvision

import lucid
from lucid.models.detection.detr import detr_r50, detr_r101


def _count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def _reference_count(depth: int) -> int:
    resnet = getattr(torchvision.models, f"resnet{depth}")()
    bn = sum(p.numel() for m in resnet.modules() if isinstance(m, torch.nn.BatchNorm2d)
             for p in m.parameters())
    backbone = _count(resnet) - _count(resnet.fc) - bn
    transformer = _count(torch.nn.Transformer(256, 8, 6, 6, 2048)) - 2 * 256
    heads = (2048 * 256 + 256) + 100 * 256 + (256 * 92 + 92) + 2 * (256 * 256 + 256) + 256 * 4 + 4
    return backbone + transformer + heads


@pytest.mark.parametrize("factory,depth,paper_millions", [(detr_r50, 50, 41),
                                                          (detr_r101, 101, 60)])
def test_detr_parameter_count(factory, depth, paper_millions):
    with lucid.device("meta"):
        model = factory()
    assert _count(model) == _reference_count(depth)
    assert _count(model) // 10**6 == paper_millions  # the paper truncates
