"""``MaxxVit``: the network shared by MaxViT and CoAtNet, with timm's ``MaxxVit`` structure
and state-dict names.

``stem`` (stride 2), four ``stages`` (each halves the resolution in its first block), then
the head: global average pool -> ``LayerNorm2d`` -> ``pre_logits.fc`` + tanh ->
``fc``. Block types per stage:

- ``"C"``: an MBConv block (:mod:`lucid.models.maxxvit.conv`);
- ``"T"``: CoAtNet's relative-attention block over the whole map;
- ``"M"``: MaxViT's block: MBConv, then block (window) attention, then grid attention,
  with partition size ``img_size / 32`` (7 at 224).

Flavours: ``"coat"`` (GELU, BatchNorm eps 1e-5, LayerNorm eps 1e-6, Swin relative bias,
symmetric padding) and ``"tf"`` (the TF MaxViT checkpoints: tanh-GELU, BatchNorm eps 1e-3,
LayerNorm eps 1e-5, TF relative bias, interleaved qkv heads, ``same`` padding, stem bias).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from lucid import nn
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.maxxvit.attention import (
    PartitionAttentionCl,
    TransformerBlock2d,
    transformer_init_,
)
from lucid.models.maxxvit.conv import MbConvBlock, Stem, conv_init_

__all__ = ["MaxxVit", "MaxxVitBlock"]

_FLAVOURS = {
    "coat": {"act": nn.GELU, "bn_eps": 1e-5, "ln_eps": 1e-6, "same": False, "tf": False},
    "tf": {"act": functools.partial(nn.GELU, approximate="tanh"), "bn_eps": 1e-3,
           "ln_eps": 1e-5, "same": True, "tf": True},
}


class MaxxVitBlock(nn.Module):
    """MaxViT block: ``conv`` (MBConv), ``attn_block`` (windows), ``attn_grid`` (grid)."""

    def __init__(self, dim: int, dim_out: int, stride: int, partition: int, flavour: dict,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        f = flavour
        self.conv = MbConvBlock(dim, dim_out, stride, f["act"], f["bn_eps"], f["same"],
                                drop_path)
        kw = {"act_layer": f["act"], "eps": f["ln_eps"], "head_first": not f["tf"],
              "tf_bias": f["tf"], "drop_path": drop_path}
        self.attn_block = PartitionAttentionCl(dim_out, partition, False, **kw)
        self.attn_grid = PartitionAttentionCl(dim_out, partition, True, **kw)

    def forward(self, x):
        x = self.conv(x).permute(0, 2, 3, 1)
        return self.attn_grid(self.attn_block(x)).permute(0, 3, 1, 2)


class MaxxVitStage(nn.Module):
    def __init__(self, blocks: Sequence[nn.Module]) -> None:
        super().__init__()
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(x)


class NormMlpHead(nn.Module):
    """``fc(tanh(pre_logits.fc(LN(avgpool(x)))))`` (timm's ``NormMlpClassifierHead``)."""

    def __init__(self, dim: int, hidden: int, num_classes: int, eps: float,
                 drop_rate: float = 0.0) -> None:
        super().__init__()
        self.norm = LayerNorm2d(dim, eps=eps)
        self.pre_logits = nn.Sequential()
        self.pre_logits.add_module("fc", nn.Linear(dim, hidden))
        self.pre_logits.add_module("act", nn.Tanh())
        self.drop = nn.Dropout(drop_rate)
        self.fc = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.norm(x.mean(axis=(2, 3), keepdims=True)).flatten(1)
        return self.fc(self.drop(self.pre_logits(x)))


class MaxxVit(nn.Module):
    """MaxViT / CoAtNet.

    Args:
        widths, depths: per stage; stem_width; block_types: one of "C", "T", "M" per stage.
        strides: per stage (default 2 each; CoAtNet-6/7 have a stride-1 stage).
        flavour: "coat" or "tf" (see the module docstring). stem_bias: bias in the stem
        convolutions. num_classes (1000), img_size (224: sets the MaxViT partition size
        and the CoAtNet bias windows), drop_rate (head), drop_path_rate (0), in_channels.
    """

    def __init__(self, widths: Sequence[int], depths: Sequence[int], stem_width: int,
                 block_types: Sequence[str], flavour: str = "coat", stem_bias: bool = False,
                 num_classes: int = 1000, img_size: int = 224, drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0, in_channels: int = 3,
                 strides: Sequence[int] | None = None) -> None:
        super().__init__()
        if flavour not in _FLAVOURS:
            raise ValueError(f"MaxxVit: flavour must be one of {sorted(_FLAVOURS)}, got "
                             f"{flavour!r}")
        f = _FLAVOURS[flavour]
        self.stem = Stem(in_channels, stem_width, f["act"], f["bn_eps"], stem_bias, f["same"])
        rates = np.linspace(0.0, drop_path_rate, sum(depths)).tolist()
        feat, dim, stages, start = (img_size - 1) // 2 + 1, stem_width, [], 0
        strides = strides or (2,) * len(widths)
        for width, depth, kind, first in zip(widths, depths, block_types, strides):
            feat = (feat - 1) // first + 1
            blocks = []
            for i in range(depth):
                stride, dp = (first if i == 0 else 1), rates[start + i]
                if kind == "C":
                    blocks.append(MbConvBlock(dim, width, stride, f["act"], f["bn_eps"],
                                              f["same"], dp))
                elif kind == "T":
                    blocks.append(TransformerBlock2d(dim, width, stride, (feat, feat), f["act"],
                                                     f["ln_eps"], dp))
                elif kind == "M":
                    blocks.append(MaxxVitBlock(dim, width, stride, img_size // 32, f, dp))
                else:
                    raise ValueError(f"MaxxVit: block type must be 'C', 'T' or 'M', got "
                                     f"{kind!r}")
                dim = width
            stages.append(MaxxVitStage(blocks))
            start += depth
        self.stages = nn.Sequential(*stages)
        self.norm = nn.Identity()
        self.head = NormMlpHead(dim, dim, num_classes, f["ln_eps"], drop_rate)
        for m in self.modules():
            if isinstance(m, (MbConvBlock, Stem)):
                conv_init_(m)
            elif isinstance(m, MaxxVitBlock):
                conv_init_(m.conv)
                transformer_init_(m.attn_block)
                transformer_init_(m.attn_grid)
            elif isinstance(m, TransformerBlock2d):
                transformer_init_(m)

    def forward(self, x):
        return self.head(self.norm(self.stages(self.stem(x))))
