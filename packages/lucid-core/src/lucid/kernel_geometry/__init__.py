"""Index and shape arithmetic shared by backends' kernels (no arrays of any backend).

A backend computes *how*; where two backends need the same window counts, paddings,
tap slices or pooling divisors, the arithmetic lives here once (plain Python ints and
small NumPy index tables built on the host), so kernels differ only in their array
calls. Third-party backends may use it too.
"""

from lucid.kernel_geometry.pooling import (
    adaptive_ranges,
    avg_pool_divisor,
    ceil_mode_padding,
    kernel_taps,
    padded_sizes,
    tap_slices,
    valid_window_counts,
    window_count,
    window_counts,
)

__all__ = ["adaptive_ranges", "avg_pool_divisor", "ceil_mode_padding", "kernel_taps",
           "padded_sizes", "tap_slices", "valid_window_counts",
           "window_count", "window_counts"]
