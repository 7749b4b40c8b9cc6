"""Inception-ResNet v1 and v2: registry names, parameter counts, the residual scaling,
forward+backward on both backends.

``inception_resnet_v2``: timm's ``inception_resnet_v2`` has 55,843,464 parameters (1000
classes; ``tests/parity`` checks the model itself). ``inception_resnet_v1`` has no
independent implementation and the paper prints no parameter count, so the count is
tallied here from the layer shapes of the paper's figures (Szegedy et al. 2016,
arXiv:1602.07261: Figure 14 stem, 10 Inception-ResNet-A, 7 Reduction-A with Table 1's
k, l, m, n = 192, 192, 256, 384, 11 Inception-ResNet-B, 12 Reduction-B, 13
Inception-ResNet-C; 5/10/5 blocks, Figure 15).
"""

import numpy as np
import pytest
from zoo_unit import check_train_step, n_params

import lucid
from lucid import models


def conv_bn(cin, cout, kh, kw=None):
    """Bias-free convolution and its batch norm (weight and bias)."""
    return kh * (kh if kw is None else kw) * cin * cout + 2 * cout


def linear(cin, cout):
    """A 1x1 projection or fully connected layer with bias."""
    return cin * cout + cout


def paper_count_inception_resnet_v1(num_classes=1000):
    stem = (conv_bn(3, 32, 3) + conv_bn(32, 32, 3) + conv_bn(32, 64, 3) + conv_bn(64, 80, 1)
            + conv_bn(80, 192, 3) + conv_bn(192, 256, 3))
    block_a = (conv_bn(256, 32, 1) + conv_bn(256, 32, 1) + conv_bn(32, 32, 3)
               + conv_bn(256, 32, 1) + conv_bn(32, 32, 3) + conv_bn(32, 32, 3)
               + linear(96, 256))
    reduction_a = (conv_bn(256, 384, 3) + conv_bn(256, 192, 1) + conv_bn(192, 192, 3)
                   + conv_bn(192, 256, 3))
    block_b = (conv_bn(896, 128, 1) + conv_bn(896, 128, 1) + conv_bn(128, 128, 1, 7)
               + conv_bn(128, 128, 7, 1) + linear(256, 896))
    reduction_b = (conv_bn(896, 256, 1) + conv_bn(256, 384, 3) + conv_bn(896, 256, 1)
                   + conv_bn(256, 256, 3) + conv_bn(896, 256, 1) + conv_bn(256, 256, 3)
                   + conv_bn(256, 256, 3))
    block_c = (conv_bn(1792, 192, 1) + conv_bn(1792, 192, 1) + conv_bn(192, 192, 1, 3)
               + conv_bn(192, 192, 3, 1) + linear(384, 1792))
    return (stem + 5 * block_a + reduction_a + 10 * block_b + reduction_b + 5 * block_c
            + linear(1792, num_classes))


def on_meta(name, **kwargs):
    with lucid.device("meta"):
        return models.create_model(name, **kwargs)


def test_registered_under_the_original_names():
    assert models.list_models("inception_resnet_*") == ["inception_resnet_v1",
                                                        "inception_resnet_v2"]


def test_inception_resnet_v1_count_equals_the_paper_tally():
    assert paper_count_inception_resnet_v1() == 22_756_328
    assert n_params(on_meta("inception_resnet_v1")) == 22_756_328
    assert n_params(on_meta("inception_resnet_v1", num_classes=10)) == \
        paper_count_inception_resnet_v1(10)


def test_inception_resnet_v2_count_and_shape():
    model = on_meta("inception_resnet_v2").eval()
    assert n_params(model) == 55_843_464
    assert model(lucid.zeros(1, 3, 299, 299, device="meta")).shape == (1, 1000)


def test_residual_block_is_scaled_sum():
    """``Block35``: ``relu(x + scale * conv2d(concat(branches)))``, checked against the
    same computation done by hand from the block's own submodules."""
    from lucid.models.inception_res import Block35

    block = Block35(16, b=4, c1=6, c2=8, scale=0.17).eval()
    x = lucid.randn(2, 16, 5, 5)
    with lucid.no_grad():
        branches = lucid.concatenate([block.branch0(x), block.branch1(x), block.branch2(x)],
                                     axis=1)
        expected = np.maximum(x.numpy() + 0.17 * block.conv2d(branches).numpy(), 0)
        np.testing.assert_allclose(block(x).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_inception_resnet_v1_forward_backward():
    check_train_step(models.inception_resnet_v1(num_classes=10), shape=(2, 3, 75, 75))


@pytest.mark.zoo
def test_inception_resnet_v2_forward_backward_zoo():
    check_train_step(models.inception_resnet_v2(num_classes=10), shape=(2, 3, 75, 75))
