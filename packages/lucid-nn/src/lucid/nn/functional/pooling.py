"""Pooling: max, average, adaptive average and adaptive max over 1, 2 or 3 spatial dims,
and ``lp_pool``. The kernels are core ops; these keep PyTorch's signatures."""

from __future__ import annotations

import lucid
from lucid.tensor import Tensor

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d",
    "lp_pool2d",
]


def _max_pool(nd: int):
    def max_pool(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                 ceil_mode: bool = False, return_indices: bool = False):
        core = getattr(lucid, f"max_pool{nd}d")
        return core(input, kernel_size, stride=stride, padding=padding, dilation=dilation,
                    ceil_mode=ceil_mode, return_indices=return_indices)

    max_pool.__name__ = f"max_pool{nd}d"
    max_pool.__doc__ = (f"The maximum over each ``kernel_size`` window of the last {nd} "
                        "dims (``-inf`` padding); with ``return_indices`` also the flat "
                        "spatial index of each maximum.")
    return max_pool


def _avg_pool(nd: int):
    def avg_pool(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None):
        core = getattr(lucid, f"avg_pool{nd}d")
        kwargs = {} if divisor_override is None else {"divisor_override": divisor_override}
        return core(input, kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                    count_include_pad=count_include_pad, **kwargs)

    avg_pool.__name__ = f"avg_pool{nd}d"
    avg_pool.__doc__ = (f"The mean over each ``kernel_size`` window of the last {nd} dims "
                        "(zero padding counted unless ``count_include_pad=False``).")
    return avg_pool


def _adaptive(kind: str, nd: int):
    def adaptive(input: Tensor, output_size, return_indices: bool = False):
        core = getattr(lucid, f"adaptive_{kind}_pool{nd}d")
        if kind == "max":
            return core(input, output_size, return_indices=return_indices)
        return core(input, output_size)

    adaptive.__name__ = f"adaptive_{kind}_pool{nd}d"
    adaptive.__doc__ = (f"{kind} pooling to a fixed ``output_size``: output cell ``i`` of "
                        "a dim of size ``n`` covers ``[floor(i n / out), ceil((i+1) n / "
                        "out))``.")
    return adaptive


max_pool1d, max_pool2d, max_pool3d = (_max_pool(n) for n in (1, 2, 3))
avg_pool1d, avg_pool2d, avg_pool3d = (_avg_pool(n) for n in (1, 2, 3))
adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d = (
    _adaptive("avg", n) for n in (1, 2, 3))
adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d = (
    _adaptive("max", n) for n in (1, 2, 3))


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """``(sum over the window of x^p)^(1/p)``."""
    out = avg_pool1d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    return (lucid.abs(out) * k) ** (1.0 / norm_type)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """``(sum over the window of x^p)^(1/p)``."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    out = avg_pool2d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return (lucid.abs(out) * (kh * kw)) ** (1.0 / norm_type)
