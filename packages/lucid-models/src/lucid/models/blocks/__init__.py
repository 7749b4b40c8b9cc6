"""Model-level building blocks shared by several families (one file per block)."""

from lucid.models.blocks.conv_norm_act import ConvNormAct
from lucid.models.blocks.fused_mbconv import FusedMBConv
from lucid.models.blocks.inverted_residual import InvertedResidual
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.blocks.mbconv import MBConv
from lucid.models.blocks.split_attention import SplitAttention

__all__ = ["ConvNormAct", "FusedMBConv", "InvertedResidual", "LayerNorm2d", "MBConv",
           "SplitAttention"]
