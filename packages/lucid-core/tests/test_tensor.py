"""The Tensor object itself: attributes, conversions, both spellings, errors."""

import numpy as np
import pytest

import lucid


def test_attributes():
    t = lucid.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.dtype == lucid.float32
    assert str(t.device) == "cpu" and t.is_leaf and not t.requires_grad and t.grad is None
    assert t._backend.is_native(t.data)  # np.ndarray on numpy, mx.array on mlx
    assert float(t.sum().data) == 21.0


def test_size_is_an_int_and_callable():
    t = lucid.zeros(2, 3, 4)
    assert t.size == 24 and isinstance(t.size, int) and t.size + 1 == 25
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.size(-1) == 4
    assert t.numel() == 24 and len(t) == 2


def test_item_numpy_tolist():
    t = lucid.tensor([[1, 2], [3, 4]])
    assert t.tolist() == [[1, 2], [3, 4]]
    assert lucid.tensor([2.5]).item() == 2.5
    with pytest.raises(ValueError, match="4 elements"):
        t.item()
    np.testing.assert_array_equal(np.asarray(t), [[1, 2], [3, 4]])


def test_to_dtype_and_device_spellings():
    t = lucid.tensor([1.0, 2.0])
    assert t.to(lucid.float64).dtype == lucid.float64
    assert t.to("float16").dtype == lucid.float16
    assert t.to("cpu") is t
    assert t.cpu() is t
    assert t.double().dtype == lucid.float64 and t.long().dtype == lucid.int64


def test_unknown_device_is_a_value_error():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        lucid.tensor([1.0], device="tpu")
    assert str(lucid.device("gpu:1")) == "gpu:1" and lucid.device("cuda").type == "gpu"


def test_reshape_view_transpose_and_t():
    t = lucid.tensor(np.arange(6.0).reshape(2, 3))
    assert t.reshape(3, 2).shape == (3, 2) and t.view(-1).shape == (6,)
    assert t.T.shape == (3, 2) and t.transpose(0, 1).shape == (3, 2)
    np.testing.assert_array_equal(lucid.transpose(t).numpy(), np.arange(6.0).reshape(2, 3).T)
    with pytest.raises(lucid.ShapeError, match=r"reshape.*\(2, 3\).*\(4,\)"):
        t.reshape(4)


def test_axis_and_dim_spellings_agree():
    t = lucid.tensor(np.arange(6.0).reshape(2, 3))
    a = lucid.sum(t, axis=1, keepdims=True)
    b = t.sum(dim=1, keepdim=True)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert t.sum(1).shape == (2,)
    with pytest.raises(ValueError, match="axis or dim"):
        t.sum(axis=1, dim=1)


def test_shape_errors_name_op_and_shapes():
    a, b = lucid.zeros(2, 3), lucid.zeros(4, 3)
    with pytest.raises(lucid.ShapeError, match=r"add: shapes \(2, 3\) and \(4, 3\)"):
        a + b
    with pytest.raises(lucid.ShapeError, match=r"matmul: shapes \(2, 3\) and \(4, 3\)"):
        a @ b


def test_operators_with_scalars_on_both_sides():
    t = lucid.tensor([1.0, 2.0])
    np.testing.assert_allclose((2 - t).numpy(), [1.0, 0.0])
    np.testing.assert_allclose((2 / t).numpy(), [2.0, 1.0])
    np.testing.assert_allclose((2 ** t).numpy(), [2.0, 4.0])
    np.testing.assert_allclose((-t).numpy(), [-1.0, -2.0])
    assert (t > 1.5).tolist() == [False, True] and (t == 1.0).dtype == lucid.bool_


def test_repr_mentions_grad_state():
    t = lucid.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(t)
    assert "grad_fn" in repr(t * 2.0)


def test_clone_is_a_copy_in_the_graph():
    x = lucid.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.data is not x.data
    (c * c).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
