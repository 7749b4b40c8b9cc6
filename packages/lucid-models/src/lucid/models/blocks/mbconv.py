"""Mobile inverted bottleneck with optional squeeze-excitation: MobileNetV3's block
(Howard et al., "Searching for MobileNetV3", ICCV 2019) and EfficientNet's MBConv
(Tan & Le, "EfficientNet", ICML 2019; after MnasNet)::

    h = act(BN(conv1x1_{C -> E}(x)))               (left out when E = C)
    h = act(BN(dwconv_{k x k, stride}(h)))
    h = SE(h)                                      (optional: h * gate(fc2(act'(fc1(pool h)))))
    y = BN(conv1x1_{E -> C'}(h))                   (linear projection)
    y = x + drop_path(y)                           when stride = 1 and C = C'

Children follow torchvision's ``InvertedResidual`` (MobileNetV3) and ``MBConv``
(EfficientNet): one ``Sequential`` called ``block`` of :class:`ConvNormAct` layers with the
``nn.SEModule`` (``fc1``/``fc2``) after the depthwise convolution, and a parameter-free
``stochastic_depth`` (``nn.DropPath``: whole samples of the branch dropped in training,
torchvision's ``StochasticDepth(mode="row")``).
"""

from __future__ import annotations

from lucid import nn
from lucid.models.blocks.conv_norm_act import ConvNormAct

__all__ = ["MBConv"]


class MBConv(nn.Module):
    """Expand (1x1), depthwise (k x k), optional SE, project (1x1); residual when shapes
    allow.

    Args:
        in_channels, expanded_channels (E), out_channels, kernel_size, stride.
        activation: module class of the expand and depthwise layers.
        se_channels: reduced width of the squeeze-excitation (None: no SE).
        se_activation (``nn.ReLU``), se_gate (``nn.Sigmoid``): SE's inner activation and gate.
        drop_path: stochastic-depth probability of the residual branch (0: none).
        bn_eps, bn_momentum: batch-norm options.
    """

    def __init__(self, in_channels: int, expanded_channels: int, out_channels: int,
                 kernel_size: int, stride: int, activation: type[nn.Module],
                 se_channels: int | None = None, se_activation: type[nn.Module] = nn.ReLU,
                 se_gate: type[nn.Module] = nn.Sigmoid, drop_path: float = 0.0,
                 bn_eps: float = 1e-5, bn_momentum: float = 0.1) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"MBConv: stride must be 1 or 2, got {stride}")
        bn = {"bn_eps": bn_eps, "bn_momentum": bn_momentum}
        self.use_res_connect = stride == 1 and in_channels == out_channels
        layers = []
        if expanded_channels != in_channels:
            layers.append(ConvNormAct(in_channels, expanded_channels, 1, activation=activation,
                                      **bn))
        layers.append(ConvNormAct(expanded_channels, expanded_channels, kernel_size,
                                  stride=stride, groups=expanded_channels,
                                  activation=activation, **bn))
        if se_channels is not None:
            layers.append(nn.SEModule(expanded_channels, reduced_channels=se_channels,
                                      activation=se_activation, gate=se_gate))
        layers.append(ConvNormAct(expanded_channels, out_channels, 1, activation=None, **bn))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = nn.DropPath(drop_path)
        self.out_channels = out_channels

    def forward(self, x):
        y = self.block(x)
        return x + self.stochastic_depth(y) if self.use_res_connect else y
