"""Selective kernel convolution (Li et al., "Selective Kernel Networks", CVPR 2019), with
timm's structure and parameter names (``paths.i.conv/bn``, ``attn.fc_reduce/bn/fc_select``).

``M`` paths see the input (split into ``M`` channel groups when ``split_input``), each a
3x3 conv-bn-ReLU whose dilation stands in for the larger kernel (``keep_3x3``: a 5x5 path
is a 3x3 convolution with dilation 2). Their outputs ``U_m`` are fused by a softmax over
paths::

    s = mean_{h,w} sum_m U_m                               (N, C, 1, 1)
    z = relu(bn(fc_reduce(s)))                             (N, d, 1, 1)
    a = softmax_m(fc_select(z) as (N, M, C, 1, 1))
    y = sum_m a_m * U_m

The original Lucid used ungrouped full-width branches without the input split and a
single-layer attention producing one weight per path (not per channel); this follows the
paper's per-channel attention and timm's split input, so timm's ``skresnet*`` weights load.
"""

from __future__ import annotations

import lucid
from lucid.errors import ShapeError
from lucid.nn.activation import ReLU
from lucid.nn.batchnorm import BatchNorm2d
from lucid.nn.containers import ModuleList
from lucid.nn.conv import Conv2d
from lucid.nn.conv_bn_relu import ConvBNReLU2d
from lucid.nn.module import Module
from lucid.nn.utils.channels import make_divisible
from lucid.tensor import Tensor

__all__ = ["SelectiveKernel", "SelectiveKernelAttn"]


class SelectiveKernelAttn(Module):
    """Per-path, per-channel softmax weights from the stacked paths ``(N, M, C, H, W)``."""

    def __init__(self, channels: int, num_paths: int = 2, attn_channels: int = 32) -> None:
        super().__init__()
        self.num_paths = num_paths
        self.fc_reduce = Conv2d(channels, attn_channels, 1, bias=False)
        self.bn = BatchNorm2d(attn_channels)
        self.act = ReLU()
        self.fc_select = Conv2d(attn_channels, channels * num_paths, 1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        s = x.sum(dim=1).mean(dim=(2, 3), keepdim=True)
        a = self.fc_select(self.act(self.bn(self.fc_reduce(s))))
        n, c = a.shape[0], a.shape[1] // self.num_paths
        return lucid.softmax(a.reshape(n, self.num_paths, c, 1, 1), dim=1)


class SelectiveKernel(Module):
    """Selective kernel convolution on ``(N, C, H, W)``.

    Args:
        in_channels: C_in. out_channels: C_out (default C_in).
        kernel_sizes: one kernel per path (default ``(3, 5)``; odd sizes >= 3).
        stride (1), dilation (1), groups (1): of every path's convolution.
        reduction: attention width ``d = make_divisible(C_out / reduction, divisor)`` unless
            ``attn_channels`` is given (default 16; divisor 8).
        keep_3x3: realise a k x k path as a 3x3 convolution with dilation ``(k - 1) / 2``
            (default True).
        split_input: give each path ``C_in / M`` of the input channels (default True).

    >>> SelectiveKernel(64, 64)(lucid.randn(1, 64, 8, 8)).shape
    (1, 64, 8, 8)
    """

    def __init__(self, in_channels: int, out_channels: int | None = None,
                 kernel_sizes=(3, 5), stride: int = 1, dilation: int = 1, groups: int = 1,
                 reduction: float = 16, attn_channels: int | None = None, divisor: int = 8,
                 keep_3x3: bool = True, split_input: bool = True) -> None:
        super().__init__()
        out_channels = out_channels or in_channels
        kernel_sizes = list(kernel_sizes)
        if len(kernel_sizes) < 2 or any(k < 3 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError(f"SelectiveKernel: kernel_sizes must be >= 2 odd sizes >= 3, got "
                             f"{kernel_sizes}")
        if keep_3x3:
            dilations = [dilation * (k - 1) // 2 for k in kernel_sizes]
            kernel_sizes = [3] * len(kernel_sizes)
        else:
            dilations = [dilation] * len(kernel_sizes)
        self.num_paths = len(kernel_sizes)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.split_input = split_input
        path_in = in_channels
        if split_input:
            if in_channels % self.num_paths:
                raise ValueError(f"SelectiveKernel: in_channels ({in_channels}) must divide "
                                 f"into {self.num_paths} paths with split_input")
            path_in = in_channels // self.num_paths
        groups = min(out_channels, groups)
        self.paths = ModuleList([
            ConvBNReLU2d(path_in, out_channels, k, stride=stride,
                         padding=((stride - 1) + d * (k - 1)) // 2, dilation=d, groups=groups,
                         conv_bias=False)
            for k, d in zip(kernel_sizes, dilations)])
        attn_channels = attn_channels or make_divisible(out_channels / reduction, divisor)
        self.attn = SelectiveKernelAttn(out_channels, self.num_paths, attn_channels)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ShapeError(f"SelectiveKernel: expected input (N, {self.in_channels}, H, W), "
                             f"got shape {x.shape}")
        if self.split_input:
            parts = lucid.split(x, self.in_channels // self.num_paths, dim=1)
            u = lucid.stack([path(p) for path, p in zip(self.paths, parts)], dim=1)
        else:
            u = lucid.stack([path(x) for path in self.paths], dim=1)
        return (u * self.attn(u)).sum(dim=1)
