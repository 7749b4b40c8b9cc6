"""``nn.GlobalResponseNorm`` against timm's ``GlobalResponseNorm`` (the layer of timm's
ConvNeXt V2), both layouts: weights move by name, outputs and gradients agree."""

import sys
import types

import numpy as np
import pytest
import torch
from nn_parity_helpers import check_layer

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
from timm.layers.grn import GlobalResponseNorm as TimmGRN  # noqa: E402

from lucid import nn  # noqa: E402


@pytest.mark.parametrize("channels_last", [False, True])
def test_grn_matches_timm(channels_last):
    torch.manual_seed(0)
    ref = TimmGRN(6, channels_last=channels_last)
    with torch.no_grad():  # non-zero parameters so both terms are exercised
        ref.weight.normal_()
        ref.bias.normal_()
    x = np.random.default_rng(0).standard_normal((2, 5, 4, 6) if channels_last else (2, 6, 5, 4))
    check_layer(nn.GlobalResponseNorm(6, channels_last=channels_last), ref, [x])
    check_layer(nn.GlobalResponseNorm(6, channels_last=channels_last), ref, [x], dtype="float64")
