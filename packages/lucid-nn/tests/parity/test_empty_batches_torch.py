"""A 0-sized batch (or map) through the nn functional ops: the same result shapes and
values as PyTorch, forward and backward, on the backend serving ``cpu`` (issue 10)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import lucid
import lucid.nn.functional as F

RNG = np.random.default_rng(0)
W = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
W1 = RNG.standard_normal((4, 3, 3)).astype(np.float32)
WT = RNG.standard_normal((3, 2, 3, 3)).astype(np.float32)
WL = RNG.standard_normal((5, 3)).astype(np.float32)
EMB = RNG.standard_normal((10, 4)).astype(np.float32)
GAMMA = RNG.standard_normal(6).astype(np.float32)


def _weight(fn_lucid, fn_torch, w):
    """A pair of ops closing over one weight each, so the weight gradient is compared too."""
    wl = lucid.tensor(w, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    return (lambda x: fn_lucid(x, wl)), (lambda x: fn_torch(x, wt)), (wl, wt)


# (name, factory returning (lucid fn, torch fn, (lucid weight, torch weight) or None), shape)
CASES = [
    ("conv2d", lambda: _weight(F.conv2d, TF.conv2d, W), (0, 3, 8, 8)),
    ("conv2d_stride_pad", lambda: _weight(lambda x, w: F.conv2d(x, w, stride=2, padding=1),
                                          lambda x, w: TF.conv2d(x, w, stride=2, padding=1),
                                          W), (0, 3, 9, 9)),
    ("conv1d", lambda: _weight(F.conv1d, TF.conv1d, W1), (0, 3, 7)),
    ("conv_transpose2d", lambda: _weight(F.conv_transpose2d, TF.conv_transpose2d, WT),
     (0, 3, 4, 4)),
    ("linear", lambda: _weight(F.linear, TF.linear, WL), (0, 3)),
    ("embedding_free", lambda: (lambda x: x.sum(), lambda x: x.sum(), None), (0, 4)),
    ("max_pool2d", lambda: (lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), None),
     (0, 3, 8, 8)),
    ("max_pool1d", lambda: (lambda x: F.max_pool1d(x, 2), lambda x: TF.max_pool1d(x, 2), None),
     (0, 3, 8)),
    ("avg_pool2d", lambda: (lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2), None),
     (0, 3, 8, 8)),
    ("adaptive_avg_pool2d", lambda: (lambda x: F.adaptive_avg_pool2d(x, 2),
                                     lambda x: TF.adaptive_avg_pool2d(x, 2), None),
     (0, 3, 8, 8)),
    ("adaptive_max_pool2d", lambda: (lambda x: F.adaptive_max_pool2d(x, 2),
                                     lambda x: TF.adaptive_max_pool2d(x, 2), None),
     (0, 3, 8, 8)),
    ("layer_norm", lambda: (lambda x: F.layer_norm(x, (6,)), lambda x: TF.layer_norm(x, (6,)),
                            None), (0, 6)),
    ("group_norm", lambda: (lambda x: F.group_norm(x, 2), lambda x: TF.group_norm(x, 2), None),
     (0, 6, 4)),
    ("softmax", lambda: (lambda x: F.softmax(x, 1), lambda x: TF.softmax(x, 1), None), (0, 6)),
    ("log_softmax", lambda: (lambda x: F.log_softmax(x, -1), lambda x: TF.log_softmax(x, -1),
                             None), (0, 6)),
    ("relu6", lambda: (F.relu6, TF.relu6, None), (0, 6)),
    ("gelu", lambda: (F.gelu, TF.gelu, None), (0, 6)),
    ("dropout_eval", lambda: (lambda x: F.dropout(x, 0.5, training=False),
                              lambda x: TF.dropout(x, 0.5, training=False), None), (0, 6)),
    ("interpolate", lambda: (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"),
                             lambda x: TF.interpolate(x, scale_factor=2, mode="nearest"),
                             None), (0, 3, 4, 4)),
    ("pad", lambda: (lambda x: F.pad(x, (1, 1, 2, 0)), lambda x: TF.pad(x, (1, 1, 2, 0)),
                     None), (0, 3, 4, 4)),
    ("mse_sum", lambda: (lambda x: F.mse_loss(x, x * 0, reduction="sum"),
                         lambda x: TF.mse_loss(x, x * 0, reduction="sum"), None), (0, 3)),
]


@pytest.mark.parametrize("name,make,shape", CASES, ids=[c[0] for c in CASES])
def test_empty_batch_matches_torch(name, make, shape):
    fn, ref, weights = make()
    a = RNG.standard_normal(shape).astype(np.float32)
    x, t = lucid.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, want = fn(x), ref(t)
    assert tuple(out.shape) == tuple(want.shape), name
    np.testing.assert_allclose(out.numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    want.sum().backward()
    assert tuple(x.grad.shape) == shape
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=1e-6)
    if weights is not None:  # an empty batch gives a zero weight gradient
        wl, wt = weights
        np.testing.assert_allclose(wl.grad.numpy(), wt.grad.numpy(), atol=1e-6)


def test_cross_entropy_mean_of_an_empty_batch_is_nan_as_torch():
    logits = lucid.zeros((0, 5), requires_grad=True)
    target = lucid.zeros((0,), dtype=lucid.int64)
    loss = F.cross_entropy(logits, target)
    want = TF.cross_entropy(torch.zeros((0, 5)), torch.zeros(0, dtype=torch.int64))
    assert np.isnan(want.item()) and np.isnan(loss.item())
    summed = F.cross_entropy(logits, target, reduction="sum")
    assert summed.item() == 0.0
    summed.backward()
    assert logits.grad.shape == (0, 5)


def test_embedding_of_no_indices():
    weight = lucid.tensor(EMB, requires_grad=True)
    out = F.embedding(lucid.zeros((0, 3), dtype=lucid.int64), weight)
    assert out.shape == (0, 3, 4)
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy(), np.zeros_like(EMB))


def test_nn_modules_take_an_empty_batch():
    """A whole small CNN: conv -> batch-norm (eval) -> pool -> linear, on 0 samples."""
    lucid.manual_seed(0)
    net = lucid.nn.Sequential(lucid.nn.Conv2d(3, 4, 3), lucid.nn.BatchNorm2d(4),
                              lucid.nn.ReLU(), lucid.nn.MaxPool2d(2), lucid.nn.Flatten(),
                              lucid.nn.Linear(4 * 3 * 3, 2))
    net.eval()
    x = lucid.zeros((0, 3, 8, 8), requires_grad=True)
    y = net(x)
    assert y.shape == (0, 2)
    y.sum().backward()
    assert x.grad.shape == (0, 3, 8, 8)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
