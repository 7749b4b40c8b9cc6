"""Model-level building blocks shared by several families (one file per block)."""

from lucid.models.blocks.conv_norm_act import ConvNormAct
from lucid.models.blocks.edge_residual import EdgeResidual
from lucid.models.blocks.fused_mbconv import FusedMBConv
from lucid.models.blocks.inception_conv import inception_conv
from lucid.models.blocks.inception_reduction import InceptionReductionA
from lucid.models.blocks.inverted_residual import InvertedResidual
from lucid.models.blocks.layer_norm_2d import LayerNorm2d
from lucid.models.blocks.layer_scale import LayerScale2d
from lucid.models.blocks.mbconv import MBConv
from lucid.models.blocks.mobile_attention import MobileAttention, MultiQueryAttention2d
from lucid.models.blocks.split_attention import SplitAttention
from lucid.models.blocks.universal_inverted_bottleneck import UniversalInvertedBottleneck

__all__ = ["ConvNormAct", "EdgeResidual", "FusedMBConv", "InceptionReductionA", "inception_conv",
           "InvertedResidual", "LayerNorm2d", "LayerScale2d", "MBConv", "MobileAttention",
           "MultiQueryAttention2d", "SplitAttention", "UniversalInvertedBottleneck"]
# vision-transformer blocks (issue 14)
from lucid.models.blocks.bicubic_resize import bicubic_resize  # noqa: E402
from lucid.models.blocks.mlp import Mlp  # noqa: E402
from lucid.models.blocks.patch_embed import PatchEmbed  # noqa: E402
from lucid.models.blocks.patch_merging import PatchMerging  # noqa: E402
from lucid.models.blocks.pvt_block import DepthwiseConvMlp, PVTBlock  # noqa: E402
from lucid.models.blocks.spatial_reduction_attention import SpatialReductionAttention  # noqa: E402
from lucid.models.blocks.transformer_block import TransformerBlock  # noqa: E402
from lucid.models.blocks.vit_attention import Attention  # noqa: E402
from lucid.models.blocks.window_attention import WindowAttention, windowed_attention  # noqa: E402
from lucid.models.blocks.window_attention_v2 import WindowAttentionV2  # noqa: E402

__all__ += ["Attention", "bicubic_resize", "DepthwiseConvMlp", "Mlp", "PatchEmbed",
            "PatchMerging", "PVTBlock", "SpatialReductionAttention", "TransformerBlock",
            "WindowAttention", "WindowAttentionV2", "windowed_attention"]
