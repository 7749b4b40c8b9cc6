"""Parity with torch.nn: convolutions, transposed convolutions, pooling, Unfold/Fold."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from nn_parity_helpers import check_layer, require

import lucid.nn as nn

DTYPES = ["float32", "float64"]


def x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


CONVS = [
    (1, dict(in_channels=4, out_channels=6, kernel_size=3)),
    (1, dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, dilation=2)),
    (1, dict(in_channels=4, out_channels=6, kernel_size=4, padding="same", bias=False)),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3)),
    (2, dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0))),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, dilation=2, padding=2)),
    (2, dict(in_channels=4, out_channels=4, kernel_size=3, groups=4, padding="same")),
    (2, dict(in_channels=4, out_channels=6, kernel_size=4, padding="same", dilation=1)),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3, padding=1, padding_mode="reflect")),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3, padding=2,
             padding_mode="circular")),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3, padding=1,
             padding_mode="replicate")),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3, padding="valid")),
    (3, dict(in_channels=2, out_channels=3, kernel_size=2)),
    (3, dict(in_channels=2, out_channels=4, kernel_size=(2, 3, 1), stride=2, padding=1,
             groups=2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,kwargs", CONVS, ids=[str(c) for c in range(len(CONVS))])
def test_conv(nd, kwargs, dtype):
    shape = {1: (2, 4, 9), 2: (2, 4, 7, 8), 3: (2, 2, 5, 4, 5)}[nd]
    shape = (shape[0], kwargs["in_channels"]) + shape[2:]
    check_layer(getattr(nn, f"Conv{nd}d")(**kwargs), getattr(torch.nn, f"Conv{nd}d")(**kwargs),
                [x(*shape)], dtype, train=(True,))


def test_conv_unbatched():
    check_layer(nn.Conv2d(3, 2, 3), torch.nn.Conv2d(3, 2, 3), [x(3, 6, 6)], "float64",
                train=(True,))


TRANSPOSED = [
    (1, dict(in_channels=4, out_channels=6, kernel_size=3)),
    (1, dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1,
             output_padding=1)),
    (2, dict(in_channels=4, out_channels=6, kernel_size=3)),
    (2, dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=2, padding=1,
             output_padding=(1, 0), groups=2, dilation=1)),
    (2, dict(in_channels=4, out_channels=2, kernel_size=3, dilation=2, bias=False)),
    (3, dict(in_channels=2, out_channels=3, kernel_size=2, stride=2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,kwargs", TRANSPOSED, ids=[str(c) for c in range(len(TRANSPOSED))])
def test_conv_transpose(nd, kwargs, dtype):
    shape = {1: (2, 4, 6), 2: (2, 4, 5, 4), 3: (2, 2, 3, 3, 2)}[nd]
    check_layer(getattr(nn, f"ConvTranspose{nd}d")(**kwargs),
                getattr(torch.nn, f"ConvTranspose{nd}d")(**kwargs), [x(*shape)], dtype,
                train=(True,))


def test_conv_transpose_output_size():
    layer = nn.ConvTranspose2d(3, 2, 3, stride=2)
    twin = torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    check_layer(layer, twin, [x(1, 3, 4, 4)], "float64", train=(True,),
                forward_kwargs={"output_size": (10, 10)})


POOLS = [
    ("MaxPool1d", dict(kernel_size=3), 1),
    ("MaxPool1d", dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True), 1),
    ("MaxPool2d", dict(kernel_size=2), 2),
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1), 2),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=1, dilation=(2, 1), ceil_mode=True), 2),
    ("MaxPool3d", dict(kernel_size=2), 3),
    ("AvgPool1d", dict(kernel_size=3, stride=2, padding=1), 1),
    ("AvgPool1d", dict(kernel_size=3, padding=1, count_include_pad=False, ceil_mode=True), 1),
    ("AvgPool2d", dict(kernel_size=2), 2),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), 2),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, divisor_override=4), 2),
    ("AvgPool2d", dict(kernel_size=3, stride=2, ceil_mode=True), 2),
    ("AvgPool3d", dict(kernel_size=2, stride=1), 3),
    ("AdaptiveAvgPool1d", dict(output_size=4), 1),
    ("AdaptiveAvgPool2d", dict(output_size=(3, 2)), 2),
    ("AdaptiveAvgPool2d", dict(output_size=1), 2),
    ("AdaptiveAvgPool3d", dict(output_size=(2, 3, 2)), 3),
    ("AdaptiveMaxPool1d", dict(output_size=4), 1),
    ("AdaptiveMaxPool2d", dict(output_size=(3, 2)), 2),
    ("AdaptiveMaxPool3d", dict(output_size=2), 3),
    ("LPPool2d", dict(norm_type=2, kernel_size=2), 2),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kwargs,nd", POOLS, ids=[f"{p[0]}-{i}" for i, p in enumerate(POOLS)])
def test_pool(name, kwargs, nd, dtype):
    kind = "adaptive_" if name.startswith("Adaptive") else ""
    kind += "max" if "Max" in name else "avg"
    require(f"{kind}_pool{nd}d")
    shape = {1: (2, 3, 11), 2: (2, 3, 9, 7), 3: (2, 2, 5, 6, 5)}[nd]
    check_layer(getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs), [x(*shape)],
                dtype, train=(True,))


def test_max_pool_return_indices():
    require("max_pool2d")
    import lucid

    data = x(2, 3, 6, 6)
    values, indices = nn.MaxPool2d(2, return_indices=True)(lucid.tensor(data))
    t_values, t_indices = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(data))
    np.testing.assert_array_equal(indices.numpy(), t_indices.numpy())
    np.testing.assert_allclose(values.numpy(), t_values.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_unfold_fold(dtype):
    require("unfold", "fold")
    check_layer(nn.Unfold(kernel_size=(2, 3), padding=1, stride=(1, 2)),
                torch.nn.Unfold(kernel_size=(2, 3), padding=1, stride=(1, 2)), [x(2, 3, 5, 6)],
                dtype, train=(True,))
    check_layer(nn.Fold(output_size=(4, 5), kernel_size=2),
                torch.nn.Fold(output_size=(4, 5), kernel_size=2), [x(2, 3 * 4, 12)], dtype,
                train=(True,))
