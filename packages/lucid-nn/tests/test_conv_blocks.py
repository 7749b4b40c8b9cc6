"""Unit tests of the reusable conv blocks (both backends): shapes, parameter counts by
hand, bad input, and DropBlock's block structure, scaling and gradient."""

import numpy as np
import pytest

import lucid
from lucid import nn
from lucid.errors import ShapeError
from lucid.nn import functional as F


@pytest.mark.parametrize("cls,shape", [(nn.ConvBNReLU1d, (2, 4, 9)),
                                       (nn.ConvBNReLU2d, (2, 4, 9, 9)),
                                       (nn.ConvBNReLU3d, (2, 4, 5, 5, 5))])
def test_conv_bn_relu_shapes_counts_and_relu(cls, shape):
    layer = cls(4, 6, 3, stride=2, padding=1)
    nd = len(shape) - 2
    y = layer(lucid.randn(*shape))
    assert y.shape == (2, 6) + tuple((s + 1) // 2 for s in shape[2:])
    assert float(y.min().item()) >= 0.0
    # conv weight + bias, bn weight + bias
    assert sum(p.numel() for p in layer.parameters()) == 6 * 4 * 3 ** nd + 6 + 6 + 6
    assert [k for k, _ in layer.named_parameters()] == ["conv.weight", "conv.bias", "bn.weight",
                                                         "bn.bias"]


def test_conv_bn_relu_activation_none_and_train_backward():
    layer = nn.ConvBNReLU2d(3, 5, 3, padding=1, conv_bias=False, activation=None)
    x = lucid.randn(4, 3, 6, 6, requires_grad=True)
    y = layer(x)
    assert float(y.min().item()) < 0.0  # no ReLU
    y.sum().backward()
    assert x.grad.shape == x.shape and layer.conv.weight.grad is not None
    assert layer.conv.bias is None


@pytest.mark.parametrize("cls,shape", [(nn.DepthSeparableConv1d, (1, 4, 8)),
                                       (nn.DepthSeparableConv2d, (1, 4, 8, 8)),
                                       (nn.DepthSeparableConv3d, (1, 4, 4, 4, 4))])
def test_depth_separable_counts(cls, shape):
    nd = len(shape) - 2
    layer = cls(4, 10, 3, padding=1, depth_multiplier=2)
    assert layer(lucid.randn(*shape)).shape == (1, 10) + shape[2:]
    assert layer.depthwise.groups == 4
    assert sum(p.numel() for p in layer.parameters()) == 8 * 3 ** nd + 8 + 8 * 10 + 10
    with pytest.raises(ValueError, match="depth_multiplier"):
        cls(4, 10, 3, depth_multiplier=0)


def test_se_module_gate_by_hand():
    """fc weights zero, fc2 bias b: the gate is sigmoid(b) for every channel."""
    se = nn.SEModule(8, reduction=4)
    assert se.fc1.weight.shape == (2, 8, 1, 1) and se.fc2.weight.shape == (8, 2, 1, 1)
    for p in (se.fc1.weight, se.fc1.bias, se.fc2.weight):
        nn.init.zeros_(p)
    nn.init.constant_(se.fc2.bias, 0.5)
    x = lucid.randn(2, 8, 3, 3)
    np.testing.assert_allclose(se(x).numpy(), x.numpy() / (1 + np.exp(-0.5)), rtol=1e-6)
    with pytest.raises(ShapeError, match="SEModule"):
        se(lucid.randn(2, 7, 3, 3))


def test_selective_kernel_structure_and_backward():
    sk = nn.SelectiveKernel(16, 32, stride=2)
    assert [p.conv.dilation for p in sk.paths] == [(1, 1), (2, 2)]
    assert sk.paths[0].conv.weight.shape == (32, 8, 3, 3)  # input split across the 2 paths
    assert sk.attn.fc_reduce.weight.shape == (8, 32, 1, 1)  # make_divisible(32 / 16, 8)
    assert sk.attn.fc_select.weight.shape == (64, 8, 1, 1)
    x = lucid.randn(2, 16, 8, 8, requires_grad=True)
    y = sk(x)
    assert y.shape == (2, 32, 4, 4)
    y.sum().backward()
    assert x.grad.shape == x.shape
    with pytest.raises(ValueError, match="kernel_sizes"):
        nn.SelectiveKernel(16, kernel_sizes=[3, 4])
    with pytest.raises(ShapeError, match="SelectiveKernel"):
        sk(lucid.randn(2, 8, 8, 8))


def _dropped_are_blocks(dropped: np.ndarray, b: int) -> bool:
    """Every dropped pixel lies in a fully dropped (border-clipped) b x b square."""
    h, w = dropped.shape
    r = b // 2
    full = np.zeros_like(dropped)
    for i in range(h):
        for j in range(w):
            sq = (slice(max(0, i - r), min(h, i + r + 1)), slice(max(0, j - r), min(w, j + r + 1)))
            if dropped[sq].all():
                full[sq] = True
    return bool((full == dropped).all())


def test_drop_block_blocks_scaling_and_gradient():
    lucid.manual_seed(0)
    x = lucid.ones(2, 3, 20, 20, requires_grad=True)
    y = F.drop_block(x, block_size=5, p=0.2)
    out = y.numpy()
    dropped = out == 0
    assert dropped.any() and not dropped.all()
    for n in range(2):
        for c in range(3):
            assert _dropped_are_blocks(dropped[n, c], 5)
    kept_value = out.size / (~dropped).sum()
    np.testing.assert_allclose(out[~dropped], kept_value, rtol=1e-5)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), out, rtol=1e-6)


def test_drop_block_rate_is_about_p():
    """gamma makes the dropped fraction about p (slightly under: blocks overlap)."""
    lucid.manual_seed(1)
    y = F.drop_block(lucid.ones(8, 8, 32, 32), block_size=3, p=0.1).numpy()
    assert 0.07 < (y == 0).mean() < 0.11


def test_drop_block_identity_cases_and_errors():
    x = lucid.randn(1, 2, 6, 6)
    assert F.drop_block(x, 3, 0.0) is x
    assert F.drop_block(x, 3, 0.5, training=False) is x
    layer = nn.DropBlock(3, p=0.5).eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="p must be"):
        F.drop_block(x, 3, 1.5)
    with pytest.raises(ShapeError, match="drop_block"):
        F.drop_block(lucid.randn(2, 6, 6), 3, 0.1)
    with pytest.raises(ValueError, match="block_size"):
        nn.DropBlock(0)
    # even block sizes and blocks larger than the map
    assert F.drop_block(lucid.ones(1, 1, 7, 7), 4, 0.3).shape == (1, 1, 7, 7)
    assert F.drop_block(lucid.ones(1, 1, 3, 3), 7, 0.3).shape == (1, 1, 3, 3)


def test_make_divisible_by_hand():
    assert nn.utils.make_divisible(64 / 16) == 8
    assert nn.utils.make_divisible(37.0) == 40
    assert nn.utils.make_divisible(2048 / 16, 8) == 128
    with pytest.raises(ValueError, match="divisor"):
        nn.utils.make_divisible(8, 0)
