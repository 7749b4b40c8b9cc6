"""Parity with torch.nn: normalisation layers (train and eval, running statistics),
Embedding, padding, interpolation, dropout in eval mode, containers."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch
from nn_parity_helpers import assert_close, check_layer

import lucid
import lucid.nn as nn
import lucid.nn.functional as F

DTYPES = ["float32", "float64"]


def x(*shape, seed=0, scale=1.0, shift=0.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale + shift


NORMS = [
    ("BatchNorm1d", (5,), {}, (8, 5)),
    ("BatchNorm1d", (5,), {}, (4, 5, 6)),
    ("BatchNorm1d", (5,), {"affine": False, "momentum": 0.3}, (8, 5)),
    ("BatchNorm1d", (5,), {"momentum": None}, (8, 5)),
    ("BatchNorm2d", (3,), {}, (4, 3, 5, 4)),
    ("BatchNorm2d", (3,), {"bias": False}, (4, 3, 5, 4)),
    ("BatchNorm2d", (3,), {"eps": 1e-3, "track_running_stats": False}, (4, 3, 5, 4)),
    ("BatchNorm3d", (2,), {}, (3, 2, 3, 4, 3)),
    ("InstanceNorm1d", (4,), {}, (3, 4, 7)),
    ("InstanceNorm1d", (4,), {"affine": True, "track_running_stats": True}, (3, 4, 7)),
    ("InstanceNorm2d", (3,), {"affine": True}, (2, 3, 5, 4)),
    ("InstanceNorm2d", (3,), {}, (3, 5, 4)),
    ("InstanceNorm3d", (2,), {"affine": True}, (2, 2, 3, 4, 3)),
    ("LayerNorm", (6,), {}, (4, 3, 6)),
    ("LayerNorm", ((3, 6),), {"eps": 1e-3}, (4, 3, 6)),
    ("LayerNorm", (6,), {"elementwise_affine": False}, (4, 6)),
    ("LayerNorm", (6,), {"bias": False}, (4, 6)),
    ("GroupNorm", (2, 6), {}, (3, 6, 4, 2)),
    ("GroupNorm", (3, 6), {"affine": False}, (3, 6, 5)),
    ("GroupNorm", (1, 4), {}, (2, 4, 3, 3)),
    ("GroupNorm", (2, 4), {"bias": False}, (2, 4, 3, 3)),
    ("LocalResponseNorm", (3,), {}, (2, 6, 4, 4)),
    ("LocalResponseNorm", (4,), {"alpha": 0.1, "beta": 0.6, "k": 2.0}, (2, 7, 5)),
    ("RMSNorm", (6,), {"eps": 1e-6}, (4, 3, 6)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", NORMS,
                         ids=[f"{n[0]}-{i}" for i, n in enumerate(NORMS)])
def test_norm(name, args, kwargs, shape, dtype):
    lucid_layer = getattr(nn, name)(*args, **kwargs)
    torch_layer = getattr(torch.nn, name)(*args, **kwargs)
    # random affine parameters, so weight/bias gradients are not trivial
    with torch.no_grad():
        for p in torch_layer.parameters():
            p.copy_(torch.randn(p.shape) * 0.5 + 1)
    data = [x(*shape, scale=2.0, shift=0.5), x(*shape, seed=1, scale=0.5, shift=-1)]
    # two training steps update running statistics; eval then uses them
    for d in data:
        check_layer(lucid_layer, torch_layer, [d], dtype, train=(True,))
    check_layer(lucid_layer, torch_layer, [data[0]], dtype, train=(False,))


def test_batchnorm_running_stats_numbers():
    bn, tbn = nn.BatchNorm1d(3, momentum=0.5), torch.nn.BatchNorm1d(3, momentum=0.5)
    data = x(10, 3, scale=3.0, shift=2.0)
    for _ in range(3):
        bn(lucid.tensor(data))
        tbn(torch.tensor(data, dtype=torch.float32))
    assert_close(bn.running_mean.numpy(), tbn.running_mean.numpy(), "float32", "mean")
    assert_close(bn.running_var.numpy(), tbn.running_var.numpy(), "float32", "var")
    assert int(bn.num_batches_tracked.item()) == 3
    bn.eval()
    before = bn.running_mean.numpy().copy()
    bn(lucid.tensor(data))
    np.testing.assert_array_equal(bn.running_mean.numpy(), before)
    assert int(bn.num_batches_tracked.item()) == 3


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 1}, {"padding_idx": -1},
                                    {"max_norm": 1.0}])
def test_embedding(kwargs, dtype):
    idx = np.array([[0, 1, 4, 1], [3, 2, 2, 0]])
    check_layer(nn.Embedding(5, 3, **kwargs), torch.nn.Embedding(5, 3, **kwargs), [idx], dtype,
                train=(True,))


def test_embedding_init_and_from_pretrained():
    emb = nn.Embedding(4, 2, padding_idx=2)
    np.testing.assert_array_equal(emb.weight.numpy()[2], [0.0, 0.0])
    w = lucid.tensor(x(4, 2))
    frozen = nn.Embedding.from_pretrained(w)
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(lucid.tensor([3])).numpy()[0], w.numpy()[3])


PADS = [((1, 2), "constant", 0.0), ((1, 2, 0, 3), "constant", 1.5), ((-1, 2), "constant", 0.0),
        ((2, 1), "reflect", None), ((1, 2, 2, 1), "reflect", None),
        ((2, 3), "replicate", None), ((1, 1, 2, 0), "replicate", None),
        ((2, 1), "circular", None), ((1, 2, 1, 1), "circular", None)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pad,mode,value", PADS, ids=[str(i) for i in range(len(PADS))])
def test_pad(pad, mode, value, dtype):
    data = x(2, 3, 4, 5) if len(pad) == 4 or mode == "constant" else x(2, 3, 5)
    kwargs = {} if value is None else {"value": value}
    check_layer(_Fn(lambda t: F.pad(t, pad, mode, **kwargs)),
                _TorchFn(lambda t: torch.nn.functional.pad(t, pad, mode, **kwargs)), [data],
                dtype, train=(True,))


class _Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


class _TorchFn(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


INTERP = [
    ((2, 3, 5), dict(scale_factor=2, mode="nearest")),
    ((2, 3, 5), dict(size=8, mode="nearest")),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="nearest")),
    ((2, 3, 4, 5), dict(scale_factor=1.5, mode="nearest")),
    ((2, 3, 4, 5), dict(size=(7, 9), mode="nearest-exact")),
    ((2, 3, 5), dict(size=9, mode="linear", align_corners=False)),
    ((2, 3, 5), dict(size=9, mode="linear", align_corners=True)),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="bilinear", align_corners=False)),
    ((2, 3, 4, 5), dict(size=(7, 3), mode="bilinear", align_corners=True)),
    ((2, 3, 4, 5), dict(scale_factor=2, mode="bilinear", align_corners=False)),
    ((2, 3, 4, 5), dict(scale_factor=(0.5, 1.7), mode="bilinear", align_corners=False)),
    ((1, 2, 3, 4, 3), dict(size=(5, 2, 4), mode="trilinear", align_corners=False)),
    ((2, 3, 6, 6), dict(size=(3, 2), mode="area")),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,kwargs", INTERP, ids=[str(i) for i in range(len(INTERP))])
def test_interpolate(shape, kwargs, dtype):
    check_layer(_Fn(lambda t: F.interpolate(t, **kwargs)),
                _TorchFn(lambda t: torch.nn.functional.interpolate(t, **kwargs)), [x(*shape)],
                dtype, train=(True,))


@pytest.mark.parametrize("dtype", DTYPES)
def test_upsample_modules(dtype):
    check_layer(nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2),
                [x(2, 3, 4, 4)], dtype, train=(True,))
    check_layer(nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True),
                torch.nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True),
                [x(2, 3, 4, 4)], dtype, train=(True,))
    check_layer(nn.UpsamplingBilinear2d(scale_factor=2),
                torch.nn.UpsamplingBilinear2d(scale_factor=2), [x(1, 2, 3, 3)], dtype,
                train=(True,))
    check_layer(nn.UpsamplingNearest2d(size=5), torch.nn.UpsamplingNearest2d(size=5),
                [x(1, 2, 3, 3)], dtype, train=(True,))


@pytest.mark.parametrize("name", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                  "AlphaDropout", "FeatureAlphaDropout"])
def test_dropout_eval_is_identity(name):
    shape = {"Dropout1d": (2, 3, 4), "Dropout3d": (2, 3, 2, 2, 2)}.get(name, (2, 3, 4, 4))
    check_layer(getattr(nn, name)(0.3), getattr(torch.nn, name)(0.3), [x(*shape)], "float64",
                train=(False,))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sequential_of_layers(dtype):
    def build(mod):
        return mod.Sequential(OrderedDict([
            ("conv", mod.Conv2d(2, 4, 3, padding=1, bias=False)),
            ("bn", mod.BatchNorm2d(4)),  # (a conv bias before BN has an exactly zero grad)
            ("act", mod.GELU()), ("pool", mod.AdaptiveAvgPool2d(2)), ("flat", mod.Flatten()),
            ("fc", mod.Linear(16, 3)), ("ln", mod.LayerNorm(3)),
        ]))

    check_layer(build(nn), build(torch.nn), [x(3, 2, 5, 5)], dtype)


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_padding_idx_grad(padding_idx):
    idx = np.array([[0, 2, 4], [2, 1, 0]])
    w = x(5, 3)
    lw = lucid.tensor(w, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    out = F.embedding(lucid.tensor(idx), lw, padding_idx)
    t_out = torch.nn.functional.embedding(torch.tensor(idx), tw, padding_idx=padding_idx)
    assert_close(out.numpy(), t_out.detach().numpy(), "float64", "output")
    r = x(2, 3, 3, seed=4)
    (out * lucid.tensor(r)).sum().backward()
    (t_out * torch.tensor(r)).sum().backward()
    assert_close(lw.grad.numpy(), tw.grad.numpy(), "float64", "weight grad")
