"""Xception: registry name, parameter count, block structure, forward+backward on both
backends. Reference count: 22,855,952 at 1000 classes (Chollet 2017, Table 3; timm's
``legacy_xception``, which ``tests/parity`` checks the model against)."""

import pytest
from zoo_unit import check_train_step, n_params

import lucid
from lucid import models, nn


def test_registered_and_parameter_count():
    assert models.list_models("xception*") == ["xception"]
    with lucid.device("meta"):
        model = models.xception().eval()
    assert n_params(model) == 22_855_952
    assert model(lucid.zeros(1, 3, 299, 299, device="meta")).shape == (1, 1000)


def test_separable_conv_is_depthwise_then_pointwise():
    from lucid.models.xception import SeparableConv2d

    conv = SeparableConv2d(8, 16)
    assert conv.conv1.weight.shape == (8, 1, 3, 3) and conv.conv1.groups == 8
    assert conv.pointwise.weight.shape == (16, 8, 1, 1)
    assert conv.conv1.bias is None and conv.pointwise.bias is None


@pytest.mark.parametrize("start_with_relu, grow_first, stride", [(False, True, 2),
                                                                 (True, False, 2),
                                                                 (True, True, 1)])
def test_block_layout(start_with_relu, grow_first, stride):
    from lucid.models.xception import Block

    cout = 12 if stride == 2 else 8
    block = Block(8, cout, reps=2, stride=stride, start_with_relu=start_with_relu,
                  grow_first=grow_first)
    kinds = [type(m).__name__ for m in block.rep]
    assert kinds[0] == ("ReLU" if start_with_relu else "SeparableConv2d")
    assert (kinds[-1] == "MaxPool2d") == (stride == 2)
    assert (block.skip is None) == (stride == 1 and cout == 8)
    widths = [m.pointwise.out_channels for m in block.rep if hasattr(m, "pointwise")]
    assert widths == ([cout, cout] if grow_first else [8, cout])
    out = block(lucid.randn(1, 8, 9, 9))
    assert out.shape == (1, cout, 5 if stride == 2 else 9, 5 if stride == 2 else 9)
    assert isinstance(block.rep[-1 if stride == 1 else -2], nn.BatchNorm2d)


def test_forward_backward():
    check_train_step(models.xception(num_classes=10), shape=(2, 3, 40, 40))
