"""Pooling layers: one generic ``_PoolNd`` (max and average) and ``_AdaptivePoolNd``;
the 1d/2d/3d classes only fix the number of spatial dims and the kind."""

from __future__ import annotations

from lucid.nn import functional as F
from lucid.nn.module import Module
from lucid.tensor import Tensor

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d"]


class _PoolNd(Module):
    """Window pooling over the last ``_nd`` dims; ``stride`` defaults to ``kernel_size``.
    ``_kind`` is ``"max"`` (``y = max over the window``, ``-inf`` padding) or ``"avg"``
    (``y = sum over the window / divisor``)."""

    _nd = 0
    _kind = ""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor):
        if self._kind == "max":
            fn = getattr(F, f"max_pool{self._nd}d")
            return fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                      ceil_mode=self.ceil_mode, return_indices=self.return_indices)
        fn = getattr(F, f"avg_pool{self._nd}d")
        if self._nd == 1:
            return fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                      self.count_include_pad)
        return fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                  self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        if self._kind == "max":
            return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding="
                    f"{self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _MaxPoolNd(_PoolNd):
    _kind = "max"

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__(kernel_size, stride, padding, dilation, return_indices, ceil_mode)


class _AvgPoolNd(_PoolNd):
    _kind = "avg"

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        super().__init__(kernel_size, stride, padding, 1, False, ceil_mode, count_include_pad,
                         divisor_override)


class MaxPool1d(_MaxPoolNd):
    """Max over windows of ``(N, C, L)``."""

    _nd = 1


class MaxPool2d(_MaxPoolNd):
    """Max over windows of ``(N, C, H, W)``.

    Example::

        nn.MaxPool2d(2)(lucid.randn(1, 3, 8, 8)).shape  # (1, 3, 4, 4)
    """

    _nd = 2


class MaxPool3d(_MaxPoolNd):
    """Max over windows of ``(N, C, D, H, W)``."""

    _nd = 3


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of ``(N, C, L)``."""

    _nd = 1


class AvgPool2d(_AvgPoolNd):
    """Mean over windows of ``(N, C, H, W)``."""

    _nd = 2


class AvgPool3d(_AvgPoolNd):
    """Mean over windows of ``(N, C, D, H, W)``."""

    _nd = 3


class _AdaptivePoolNd(Module):
    """Pool to a fixed ``output_size``; cell ``i`` of a dim of size ``n`` covers
    ``[floor(i n / out), ceil((i + 1) n / out))``."""

    _nd = 0
    _kind = ""

    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor):
        fn = getattr(F, f"adaptive_{self._kind}_pool{self._nd}d")
        if self._kind == "max":
            return fn(input, self.output_size, self.return_indices)
        return fn(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    _nd, _kind = 1, "avg"


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    _nd, _kind = 2, "avg"


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    _nd, _kind = 3, "avg"


class AdaptiveMaxPool1d(_AdaptivePoolNd):
    _nd, _kind = 1, "max"


class AdaptiveMaxPool2d(_AdaptivePoolNd):
    _nd, _kind = 2, "max"


class AdaptiveMaxPool3d(_AdaptivePoolNd):
    _nd, _kind = 3, "max"


class _LPPoolNd(Module):
    _nd = 0

    def __init__(self, norm_type: float, kernel_size, stride=None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        fn = getattr(F, f"lp_pool{self._nd}d")
        return fn(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """``(sum x^p)^(1/p)`` over windows of ``(N, C, L)``."""

    _nd = 1


class LPPool2d(_LPPoolNd):
    """``(sum x^p)^(1/p)`` over windows of ``(N, C, H, W)``."""

    _nd = 2
