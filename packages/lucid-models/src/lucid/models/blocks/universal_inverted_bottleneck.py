"""The universal inverted bottleneck (UIB) of MobileNetV4 (Qin et al., "MobileNetV4:
Universal Models for the Mobile Ecosystem", ECCV 2024, Fig. 4)::

    h = BN(dwconv_{a x a}(x))                    "start" depthwise, no activation (a > 0)
    h = act(BN(conv1x1_{C -> E}(h)))             expansion
    h = act(BN(dwconv_{k x k}(h)))               "middle" depthwise (k > 0)
    y = BN(conv1x1_{E -> C'}(h))                 projection
    y = x + drop_path(layer_scale(y))            when stride = 1 and C = C'

The two optional depthwise convolutions give four blocks: ExtraDW (a, k > 0), inverted
bottleneck (a = 0, k > 0), ConvNeXt-like (a > 0, k = 0) and FFN (a = k = 0). The stride
sits on the middle depthwise when there is one, else on the start one. Children follow
timm's ``UniversalInvertedResidual``: ``dw_start``, ``pw_exp``, ``dw_mid``, ``pw_proj``
(each ``nn.ConvBNReLU2d``-shaped: ``conv``/``bn``) and ``layer_scale`` (a
:class:`LayerScale2d` ``gamma``, or nothing when ``layer_scale=None``).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.layer_scale import LayerScale2d

__all__ = ["UniversalInvertedBottleneck"]


def _cna(cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, act=None):
    return nn.ConvBNReLU2d(cin, cout, k, stride=stride, padding=(k - 1) // 2, groups=groups,
                           conv_bias=False, activation=act)


class UniversalInvertedBottleneck(nn.Module):
    """MobileNetV4's UIB.

    Args:
        in_channels, out_channels: C, C'.
        start_kernel (a), mid_kernel (k): depthwise kernels, 0 for none.
        stride: 1 or 2. expand_ratio: E = make_divisible(C * ratio, 8).
        activation: module class (``nn.ReLU``; ``nn.GELU`` in MobileNetV4-Hybrid-Large).
        layer_scale: initial ``gamma`` (None: no layer scale). drop_path: probability.
    """

    def __init__(self, in_channels: int, out_channels: int, start_kernel: int,
                 mid_kernel: int, stride: int, expand_ratio: float,
                 activation: type[nn.Module] = nn.ReLU, layer_scale: float | None = None,
                 drop_path: float = 0.0) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"UniversalInvertedBottleneck: stride must be 1 or 2, got {stride}")
        mid = nn.utils.make_divisible(in_channels * expand_ratio)
        self.has_skip = stride == 1 and in_channels == out_channels
        self.dw_start = _cna(in_channels, in_channels, start_kernel,
                             1 if mid_kernel else stride, in_channels) \
            if start_kernel else nn.Identity()
        self.pw_exp = _cna(in_channels, mid, 1, act=activation)
        self.dw_mid = _cna(mid, mid, mid_kernel, stride, mid, act=activation) \
            if mid_kernel else nn.Identity()
        self.pw_proj = _cna(mid, out_channels, 1)
        self.layer_scale = LayerScale2d(out_channels, layer_scale) \
            if layer_scale is not None else nn.Identity()
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        y = self.pw_proj(self.dw_mid(self.pw_exp(self.dw_start(x))))
        y = self.layer_scale(y)
        return x + self.drop_path(y) if self.has_skip else y
