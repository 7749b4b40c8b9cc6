"""Dtype inference and PyTorch's promotion rules (hand-written expectations)."""

import numpy as np
import pytest

import lucid
from lucid.dtypes import promote_types, result_type, to_dtype


def test_python_data_inference():
    assert lucid.tensor(1.5).dtype == lucid.float32
    assert lucid.tensor([1, 2]).dtype == lucid.int64
    assert lucid.tensor([True, False]).dtype == lucid.bool_
    assert lucid.tensor(np.zeros(2, np.float64)).dtype == lucid.float64
    assert lucid.tensor(np.zeros(2, np.int32)).dtype == lucid.int32
    assert lucid.tensor([1, 2], dtype="float16").dtype == lucid.Float16


def test_aliases_are_the_same_objects():
    assert lucid.Float32 is lucid.float32 and lucid.Int64 is lucid.long
    assert to_dtype("float64") is lucid.double and to_dtype(float) is lucid.float32
    assert to_dtype(np.dtype("int16")) is lucid.int16
    with pytest.raises(lucid.DTypeError, match="unknown dtype"):
        to_dtype("complex64")


@pytest.mark.parametrize("a,b,want", [
    (lucid.int32, lucid.int64, lucid.int64),
    (lucid.int64, lucid.float16, lucid.float16),
    (lucid.float32, lucid.float64, lucid.float64),
    (lucid.bool_, lucid.int8, lucid.int8),
    (lucid.uint8, lucid.int8, lucid.int16),
    (lucid.uint8, lucid.int32, lucid.int32),
])
def test_promote_types(a, b, want):
    assert promote_types(a, b) == want


def test_scalars_and_zero_dim_do_not_widen_same_category():
    f16 = lucid.zeros(3, dtype=lucid.float16)
    i32 = lucid.zeros(3, dtype=lucid.int32)
    assert (f16 + 2.5).dtype == lucid.float16
    assert (i32 + 7).dtype == lucid.int32
    assert (i32 + 1.5).dtype == lucid.float32
    assert (i32 + lucid.tensor(1.5, dtype=lucid.float64)).dtype == lucid.float64
    assert (f16 + lucid.tensor(1.0, dtype=lucid.float64)).dtype == lucid.float16
    assert (lucid.zeros(2, dtype=lucid.bool_) + 1).dtype == lucid.int64
    assert result_type(lucid.zeros(()), 1) == lucid.float32


def test_true_division_of_integers_gives_default_float():
    out = lucid.tensor([3, 4]) / lucid.tensor([2, 2])
    assert out.dtype == lucid.float32
    np.testing.assert_allclose(out.numpy(), [1.5, 2.0])
    assert (lucid.tensor([7, -7]) // 2).tolist() == [3, -4]
    assert (lucid.tensor([7, -7]) % 3).tolist() == [1, 2]
