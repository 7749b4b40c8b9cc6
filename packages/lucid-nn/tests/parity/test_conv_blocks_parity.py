"""The reusable conv blocks against timm's layers: ``SEModule`` vs ``timm.layers.SEModule``,
``SelectiveKernel`` vs ``timm.layers.SelectiveKernel``, ``ConvBNReLU2d(conv_bias=False)`` vs
``timm.layers.ConvNormAct``, ``make_divisible`` vs ``timm.layers.make_divisible``,
``DepthSeparableConv2d`` vs a torch depthwise + pointwise pair. Weights
move by name (the state-dict keys must be identical), then outputs and all gradients agree
in training and eval mode."""

import sys
import types

import numpy as np
import pytest
import torch
from nn_parity_helpers import check_layer

# torchvision's compiled ops do not load against the CPU torch build: skip its fake-op
# registrations (timm imports torchvision; no layer used here needs those ops).
sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
from timm import layers as tl  # noqa: E402

from lucid import nn  # noqa: E402


def _randomise_bn(module):
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)
    return module


def _same_keys(lucid_layer, torch_layer):
    lu, tv = lucid_layer.state_dict(), torch_layer.state_dict()
    assert list(lu) == list(tv)
    for k, v in tv.items():
        assert tuple(lu[k].shape) == tuple(v.shape), k


@pytest.mark.parametrize("v,divisor,round_limit", [(4.0, 8, 0.9), (37.0, 8, 0.9), (10, 8, 0.0),
                                                   (16, 16, 0.9), (100 / 3, 4, 0.9),
                                                   (7, 8, 0.9), (2.5, 1, 0.9)])
def test_make_divisible_matches_timm(v, divisor, round_limit):
    assert nn.utils.make_divisible(v, divisor, round_limit=round_limit) == \
        tl.make_divisible(v, divisor, round_limit=round_limit)


@pytest.mark.parametrize("channels,rd", [(32, 8), (64, 4)])
def test_se_module_matches_timm(channels, rd):
    torch.manual_seed(0)
    ref = tl.SEModule(channels, rd_channels=rd)
    ours = nn.SEModule(channels, reduced_channels=rd)
    _same_keys(ours, ref)
    x = np.random.default_rng(0).standard_normal((2, channels, 5, 6)).astype(np.float32)
    check_layer(ours, ref, [x])


@pytest.mark.parametrize("kwargs", [
    dict(in_channels=16, out_channels=16, stride=1, split_input=True),
    dict(in_channels=16, out_channels=32, stride=2, split_input=False, groups=4),
    dict(in_channels=12, out_channels=24, kernel_sizes=[3, 5, 7], stride=1, split_input=True),
])
def test_selective_kernel_matches_timm(kwargs):
    torch.manual_seed(1)
    kw = dict(kwargs)
    ks = kw.pop("kernel_sizes", [3, 5])
    ref = _randomise_bn(tl.SelectiveKernel(kernel_size=ks, rd_ratio=1 / 8, rd_divisor=8, **kw))
    ours = nn.SelectiveKernel(kernel_sizes=ks, reduction=8, divisor=8, **kw)
    _same_keys(ours, ref)
    # float64: in training the attention's batch norm normalises N values of (N, d, 1, 1),
    # which float32 resolves to only ~1e-4 in the gradients.
    x = np.random.default_rng(1).standard_normal((4, kw["in_channels"], 9, 9))
    check_layer(ours, ref, [x], dtype="float64")


def test_conv_bn_relu_matches_timm_conv_norm_act():
    torch.manual_seed(2)
    ref = _randomise_bn(tl.ConvNormAct(8, 16, 3, stride=2, padding=1))
    ours = nn.ConvBNReLU2d(8, 16, 3, stride=2, padding=1, conv_bias=False)
    _same_keys(ours, ref)
    x = np.random.default_rng(2).standard_normal((2, 8, 10, 10)).astype(np.float32)
    check_layer(ours, ref, [x])


def test_depth_separable_matches_torch_pair():
    """Same as a depthwise ``Conv2d(groups=C)`` followed by a 1x1 ``Conv2d`` in torch."""
    torch.manual_seed(3)
    ref = torch.nn.Module()
    ref.depthwise = torch.nn.Conv2d(6, 12, 3, stride=2, padding=1, groups=6)
    ref.pointwise = torch.nn.Conv2d(12, 10, 1)
    ref.forward = lambda x: ref.pointwise(ref.depthwise(x))
    ours = nn.DepthSeparableConv2d(6, 10, 3, stride=2, padding=1, depth_multiplier=2)
    _same_keys(ours, ref)
    x = np.random.default_rng(3).standard_normal((2, 6, 9, 9)).astype(np.float32)
    check_layer(ours, ref, [x])

