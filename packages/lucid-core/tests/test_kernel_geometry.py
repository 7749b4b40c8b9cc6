"""Window arithmetic shared by the backends, against hand-computed PyTorch values."""

import numpy as np

from lucid.kernel_geometry import (
    adaptive_ranges,
    avg_pool_divisor,
    ceil_mode_padding,
    kernel_taps,
    tap_slices,
    valid_window_counts,
    window_count,
    window_counts,
)


def test_window_count_floor_and_ceil_mode():
    # size 5, kernel 2, stride 2: floor -> 2 windows, ceil -> 3 (last starts at 4 < 5)
    assert window_count(5, (0, 0), 2, 2, 1) == 2
    assert window_count(5, (0, 0), 2, 2, 1, ceil_mode=True) == 3
    # size 4 padded (1, 1), kernel 2, stride 2: ceil would start a window at 6 >= 4 + 1
    assert window_count(4, (1, 1), 2, 2, 1, ceil_mode=True) == 3
    # dilation 2 makes a 3-tap kernel span 5
    assert window_count(7, (0, 0), 3, 1, 2) == 3
    assert window_counts((28, 12), (5, 5), (1, 1), ((2, 2), (0, 0)), (1, 1)) == (28, 8)
    assert valid_window_counts((32, 12), (5, 5), (1, 2), (1, 1)) == (28, 4)


def test_ceil_mode_padding_grows_the_right_side():
    pads, count = ceil_mode_padding((5,), (2,), (2,), ((0, 0),), (1,), True)
    assert count == (3,) and pads == ((0, 1),)  # the third window needs one more element


def test_taps_and_slices_select_each_windows_element():
    assert kernel_taps((2, 3)) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    x = np.arange(10)
    # windows of 3 with stride 3 over 0..8: tap 1 is the middle element of each
    assert x[tap_slices((1,), (3,), (1,), (3,))].tolist() == [1, 4, 7]


def test_avg_pool_divisor_with_and_without_padding():
    # size 4, kernel 3, stride 2, padding (1, 1): windows [-1, 2) and [1, 4)
    full = avg_pool_divisor((4,), (3,), (2,), ((1, 1),), (2,), True, None)
    inside = avg_pool_divisor((4,), (3,), (2,), ((1, 1),), (2,), False, None)
    assert full.tolist() == [3.0, 3.0] and inside.tolist() == [2.0, 3.0]
    assert float(avg_pool_divisor((4,), (3,), (2,), ((1, 1),), (2,), True, 7)) == 7.0


def test_adaptive_ranges_overlap_like_pytorch():
    start, end = adaptive_ranges(5, 3)  # floor(i*5/3), ceil((i+1)*5/3)
    assert start.tolist() == [0, 1, 3] and end.tolist() == [2, 4, 5]
