"""Pooling / sliding-window geometry (PyTorch's conventions), any number of dims.

Per spatial dim with size ``n``, padding ``(lo, hi)``, kernel ``k``, stride ``s``,
dilation ``d``::

    windows  c = floor((n + lo + hi - d*(k-1) - 1) / s) + 1          (ceil_mode: ceil,
             minus one when the last window would start in the right padding)
    window i covers  i*s - lo + t*d  for taps t = 0 .. k-1 (input coordinates)
"""

from __future__ import annotations

import itertools

import numpy as np


def window_count(size: int, padding: tuple[int, int], kernel: int, stride: int,
                 dilation: int, ceil_mode: bool = False) -> int:
    """Number of windows along one dim (PyTorch's rule, including ceil_mode's)."""
    span = size + padding[0] + padding[1] - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return span // stride + 1
    count = -(-span // stride) + 1
    return count - 1 if (count - 1) * stride >= size + padding[0] else count


def window_counts(spatial, kernel_size, stride, padding, dilation) -> tuple[int, ...]:
    """Windows along every dim (a convolution's output size, no ceil_mode)."""
    return tuple(window_count(n, p, k, s, d) for n, p, k, s, d in
                 zip(spatial, padding, kernel_size, stride, dilation))


def valid_window_counts(padded, kernel_size, stride, dilation) -> tuple[int, ...]:
    """Windows along every dim of an input that is already padded."""
    return window_counts(padded, kernel_size, stride, ((0, 0),) * len(padded), dilation)


def ceil_mode_padding(spatial, kernel_size, stride, padding, dilation, ceil_mode):
    """``(pads, count)``: per-dim ``(lo, hi)`` padding grown so that every window (also
    ceil_mode's last, partial one) lies inside the padded input, and the window counts."""
    count = tuple(window_count(n, p, k, s, d, ceil_mode) for n, p, k, s, d in
                  zip(spatial, padding, kernel_size, stride, dilation))
    pads = tuple((lo, max(hi, (c - 1) * s + d * (k - 1) + 1 - lo - n))
                 for (lo, hi), c, s, d, k, n
                 in zip(padding, count, stride, dilation, kernel_size, spatial))
    return pads, count


def padded_sizes(spatial, padding, count, stride, dilation, kernel_size):
    """Sizes of a zero plane that holds the padded input and every window of ``count``
    (where transposes scatter before cropping the padding away)."""
    return tuple(max(lo + n + hi, (c - 1) * s + d * (k - 1) + 1)
                 for (lo, hi), n, c, s, d, k
                 in zip(padding, spatial, count, stride, dilation, kernel_size))


def kernel_taps(kernel_size) -> list[tuple[int, ...]]:
    """Every tap (per-dim kernel offset) in row-major order."""
    return list(itertools.product(*(range(k) for k in kernel_size)))


def tap_slices(tap, stride, dilation, count) -> tuple:
    """Index selecting, for kernel tap ``tap``, its element of every window of a padded
    channels-first array (``x[tap_slices(...)]`` has the output's shape)."""
    return (Ellipsis,) + tuple(slice(t * d, t * d + (c - 1) * s + 1, s)
                               for t, d, c, s in zip(tap, dilation, count, stride))


def avg_pool_divisor(spatial, kernel_size, stride, padding, count, count_include_pad,
                     divisor_override):
    """Average pooling's per-window divisor (float64, broadcastable to the output's
    spatial dims): ``divisor_override`` when given, else the product over dims of the
    window length clipped to the padded input (``count_include_pad``) or to the input."""
    if divisor_override is not None:
        return np.asarray(float(divisor_override))
    nd = len(spatial)
    div = np.ones((1,) * nd)
    for i, (n, k, s, (lo, hi), c) in enumerate(zip(spatial, kernel_size, stride, padding,
                                                   count)):
        start = np.arange(c) * s - lo
        end = np.minimum(start + k, n + hi)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        shape = [1] * nd
        shape[i] = c
        div = div * (end - start).astype(np.float64).reshape(shape)
    return div


def adaptive_ranges(size: int, out: int):
    """PyTorch's adaptive windows: ``[floor(i*size/out), ceil((i+1)*size/out))`` for
    ``i < out``, as two int64 arrays ``(start, end)``."""
    i = np.arange(out, dtype=np.int64)
    return (i * size) // out, -((-(i + 1) * size) // out)
