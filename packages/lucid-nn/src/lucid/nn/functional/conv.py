"""Convolutions, transposed convolutions, ``unfold`` and ``fold``: the kernels are core
ops (``lucid.conv2d`` ...); these wrappers keep PyTorch's signatures."""

from __future__ import annotations

import lucid
from lucid.tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """``y[n, o, l] = b[o] + sum_{c,k} w[o, c, k] x[n, c, l*stride + k*dilation - pad]``;
    ``padding`` may be ``"valid"`` or ``"same"``."""
    return lucid.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D cross-correlation over ``(N, C, H, W)`` with weight ``(O, C/groups, kH, kW)``."""
    return lucid.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """3-D cross-correlation over ``(N, C, D, H, W)``."""
    return lucid.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The adjoint of ``conv1d`` with weight ``(C_in, C_out/groups, K)``."""
    return lucid.conv_transpose1d(input, weight, bias, stride, padding, output_padding,
                                  groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The adjoint of ``conv2d`` with weight ``(C_in, C_out/groups, kH, kW)``."""
    return lucid.conv_transpose2d(input, weight, bias, stride, padding, output_padding,
                                  groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The adjoint of ``conv3d`` with weight ``(C_in, C_out/groups, kD, kH, kW)``."""
    return lucid.conv_transpose3d(input, weight, bias, stride, padding, output_padding,
                                  groups, dilation)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding blocks of ``(N, C, H, W)`` as columns: ``(N, C*kH*kW, L)``."""
    return lucid.unfold(input, kernel_size, dilation=dilation, padding=padding, stride=stride)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The adjoint of ``unfold``: columns ``(N, C*kH*kW, L)`` summed back into
    ``(N, C, *output_size)``."""
    return lucid.fold(input, output_size, kernel_size, dilation=dilation, padding=padding,
                      stride=stride)
