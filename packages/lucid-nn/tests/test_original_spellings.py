"""Code written for the original Lucid keeps running: one test per row of
docs/coming-from-original-lucid.md (the rows whose subject has its own test file name it
there). References: PyTorch, NumPy, or the formula."""

import warnings

import numpy as np
import pytest
import torch

import lucid
import lucid.nn as nn
import lucid.nn.functional as F

A = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")


def _x(requires_grad=False):
    return lucid.tensor(A, requires_grad=requires_grad)


def test_unsqueeze_axis():
    assert _x().unsqueeze(axis=0).shape == (1, 2, 3, 4)
    assert lucid.unsqueeze(_x(), axis=-1).shape == tuple(torch.tensor(A).unsqueeze(-1).shape)
    assert lucid.unsqueeze(_x(), axis=(0, 2)).shape == np.expand_dims(A, (0, 2)).shape
    with pytest.raises(TypeError, match="given twice"):
        _x().unsqueeze(1, axis=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'axes'"):
        _x().unsqueeze(axes=1)


def test_unbind_and_chunk_axis():
    for got, want in zip(lucid.unbind(_x(), axis=2), torch.unbind(torch.tensor(A), dim=2)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    for got, want in zip(_x().chunk(2, axis=1), torch.tensor(A).chunk(2, dim=1)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_flatten_start_axis():
    got = lucid.flatten(_x(), start_axis=1, end_axis=2)
    np.testing.assert_array_equal(got.numpy(), torch.flatten(torch.tensor(A), 1, 2).numpy())
    assert _x().flatten(start_axis=1).shape == (2, 12)
    assert nn.Flatten(start_axis=0)(_x()).shape == (24,)
    assert nn.Flatten()(_x()).shape == (2, 12)  # default start 1, as both frameworks


def test_swapaxes_axis1_axis2():
    np.testing.assert_array_equal(lucid.swapaxes(_x(), axis1=0, axis2=2).numpy(),
                                  np.swapaxes(A, 0, 2))
    np.testing.assert_array_equal(_x().swapaxes(axis1=1, axis2=2).numpy(), np.swapaxes(A, 1, 2))


def test_clip_min_value_max_value():
    np.testing.assert_array_equal(lucid.clip(_x(), min_value=-0.5, max_value=0.5).numpy(),
                                  np.clip(A, -0.5, 0.5))
    np.testing.assert_array_equal(_x().clip(max_value=0.1).numpy(), np.minimum(A, 0.1))
    np.testing.assert_array_equal(lucid.clip(_x(), min_value=None, max_value=None).numpy(), A)


def test_softmax_axis():
    want = torch.softmax(torch.tensor(A), dim=1).numpy()
    np.testing.assert_allclose(F.softmax(_x(), axis=1).numpy(), want, atol=1e-6)
    np.testing.assert_allclose(_x().softmax(axis=1).numpy(), want, atol=1e-6)
    np.testing.assert_allclose(F.log_softmax(_x(), axis=-1).numpy(),
                               torch.log_softmax(torch.tensor(A), -1).numpy(), atol=1e-6)


def test_normalize_ord_axis():
    want = torch.nn.functional.normalize(torch.tensor(A), p=1, dim=2).numpy()
    np.testing.assert_allclose(F.normalize(_x(), ord=1, axis=2).numpy(), want, atol=1e-6)


def test_one_hot_dtype_and_default():
    t = lucid.tensor([0, 2, 1])
    want = torch.nn.functional.one_hot(torch.tensor([0, 2, 1]), 3).numpy()
    out = F.one_hot(t, 3, dtype=lucid.int8)  # the original's int8 on request
    assert out.dtype == lucid.int8
    np.testing.assert_array_equal(out.numpy(), want)
    assert F.one_hot(t, 3).dtype == lucid.int64  # PyTorch's default


def test_cross_entropy_eps_is_the_originals_formula():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((4, 5)).astype("float32"), np.array([0, 2, 4, 1])
    z = x - x.max(1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(1, keepdims=True) + 0.3)
    got = F.cross_entropy(lucid.tensor(x), lucid.tensor(t), eps=0.3)
    np.testing.assert_allclose(got.item(), -log_p[np.arange(4), t].mean(), rtol=1e-5)
    tiny = F.cross_entropy(lucid.tensor(x), lucid.tensor(t), eps=1e-7)  # ~ PyTorch's
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t))
    np.testing.assert_allclose(tiny.item(), ref.item(), rtol=1e-5)
    none = F.cross_entropy(lucid.tensor(x), lucid.tensor(t), reduction=None)
    assert none.shape == (4,)  # the original's reduction=None: no reduction
    kept = F.cross_entropy(lucid.tensor(x), lucid.tensor(t), ignore_index=None)
    np.testing.assert_allclose(kept.item(), ref.item(), rtol=1e-5)  # None: no class ignored


def test_backward_keep_grad_keeps_intermediate_grads():
    w = lucid.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = w * w
    loss = (h.exp() * 0.1).sum()
    loss.backward(keep_grad=True)
    tw = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    th = tw * tw
    th.retain_grad()
    (th.exp() * 0.1).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), th.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
    h2 = w * w
    (h2 * 2).sum().backward()  # default: intermediates keep nothing, as PyTorch
    assert h2.grad is None
    with pytest.raises(TypeError, match="keep_grads"):
        (w * 2).sum().backward(keep_grads=True)


def test_transpose_axes_numpy_and_two_dims_pytorch():
    np.testing.assert_array_equal(_x().transpose().numpy(), A.transpose())
    np.testing.assert_array_equal(_x().transpose((2, 0, 1)).numpy(), A.transpose(2, 0, 1))
    np.testing.assert_array_equal(_x().transpose(axes=(1, 2, 0)).numpy(), A.transpose(1, 2, 0))
    np.testing.assert_array_equal(_x().transpose(0, 2).numpy(),
                                  torch.tensor(A).transpose(0, 2).numpy())
    np.testing.assert_array_equal(lucid.transpose(_x()).numpy(), A.transpose())


def test_split_int_is_piece_size_as_original_and_torch():
    x = lucid.arange(10.0).reshape(5, 2)
    got = lucid.split(x, 2)
    want = torch.split(torch.arange(10.0).reshape(5, 2), 2)
    assert [p.shape for p in got] == [tuple(p.shape) for p in want] == [(2, 2), (2, 2), (1, 2)]
    assert [p.shape[1] for p in x.split(1, axis=1)] == [1, 1]
    assert [p.shape[0] for p in lucid.split(x, [1, 4])] == [1, 4]  # sizes, not cut points
    assert [p.shape[0] for p in lucid.vsplit(lucid.arange(6.0), [1, 4])] == [1, 3, 2]  # NumPy


def test_meshgrid_default_is_ij_xy_on_request():
    a, b = lucid.arange(3), lucid.arange(2)
    gi = lucid.meshgrid(a, b)
    ti = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
    np.testing.assert_array_equal(gi[0].numpy(), ti[0].numpy())
    gx = lucid.meshgrid(a, b, indexing="xy")  # the layout the original's code returned
    np.testing.assert_array_equal(gx[0].numpy(), np.meshgrid(np.arange(3), np.arange(2))[0])


def test_arange_is_int64_float_on_request():
    assert lucid.arange(5).dtype == lucid.int64
    assert str(torch.arange(5).dtype) == "torch.int64" and np.arange(5).dtype == np.int64
    assert lucid.arange(5, dtype=lucid.float64).dtype == lucid.float64


def test_astype_returns_a_new_tensor():
    x = _x()
    y = x.astype(lucid.float64)
    assert y.dtype == lucid.float64 and x.dtype == lucid.float32  # as NumPy's astype


def test_init_without_underscore_fills_in_place():
    lucid.random.seed(0)
    for name, kwargs in (("normal", dict(std=0.02)), ("uniform", dict(a=-0.1, b=0.1)),
                         ("constant", dict(val=0.5)), ("xavier_uniform", {}),
                         ("xavier_normal", {}), ("kaiming_uniform", {}),
                         ("kaiming_normal", {})):
        w = nn.Linear(64, 32).weight
        before = w.numpy().copy()
        out = getattr(nn.init, name)(w, **kwargs)
        assert out is w and not np.array_equal(w.numpy(), before), name
    w = nn.Linear(300, 200).weight
    nn.init.normal(w, std=0.02)
    assert abs(float(w.numpy().std()) - 0.02) < 0.002
    nn.init.kaiming_normal(w, "fan_out")  # the original's positional mode
    assert abs(float(w.numpy().std()) - np.sqrt(2 / 200)) < 0.01


def test_parameter_size_get_seed_and_constants():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert model.parameter_size == sum(p.numel() for p in
                                       torch.nn.Sequential(torch.nn.Linear(3, 4),
                                                           torch.nn.Linear(4, 2)).parameters())
    lucid.random.seed(123)
    assert lucid.random.get_seed() == 123
    assert lucid.pi == np.pi and lucid.inf == np.inf and lucid.newaxis is np.newaxis
    assert _x()[:, lucid.newaxis].shape == (2, 1, 3, 4)


def test_float32_default_kept():
    assert lucid.tensor([1.0]).dtype == lucid.float32
    assert lucid.zeros(2).dtype == lucid.float32


def test_softmax_without_dim_warns_as_pytorch():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.softmax(_x()[0])
    assert any("dim" in str(w.message) for w in caught)


def test_softmax_module_axis_and_cross_entropy_loss_eps():
    want = torch.nn.Softmax(dim=0)(torch.tensor(A)).numpy()
    np.testing.assert_allclose(nn.Softmax(axis=0)(_x()).numpy(), want, atol=1e-6)
    x, t = lucid.tensor(A[0]), lucid.tensor([0, 3, 1])
    np.testing.assert_allclose(nn.CrossEntropyLoss(eps=0.3)(x, t).item(),
                               F.cross_entropy(x, t, eps=0.3).item(), rtol=1e-6)
    assert nn.CrossEntropyLoss(reduction=None)(x, t).shape == (3,)
    with pytest.raises(TypeError, match="epsilon"):
        nn.CrossEntropyLoss(epsilon=0.1)
