"""Inception v1 (GoogLeNet), v3 and v4: registry names, parameter counts, the auxiliary-head
policy, forward+backward on both backends.

Reference counts (1000 classes): torchvision's ``googlenet`` (13,004,888 with the auxiliary
heads, 6,624,904 without) and ``inception_v3`` (27,161,264 / 23,834,568), timm's
``inception_v4`` (42,679,816); ``tests/parity`` checks each against the model itself.
Counts are taken on the ``meta`` device (no data allocated).
"""

import numpy as np
import pytest
from zoo_unit import check_train_step, n_params

import lucid
from lucid import models

PARAMS = {("inception_v1", True): 13_004_888, ("inception_v1", False): 6_624_904,
          ("inception_v3", True): 27_161_264, ("inception_v3", False): 23_834_568}


def on_meta(name, **kwargs):
    with lucid.device("meta"):
        return models.create_model(name, **kwargs)


def test_registered_under_the_original_names():
    assert models.list_models("inception_v*") == ["inception_v1", "inception_v3",
                                                  "inception_v4"]


@pytest.mark.parametrize("name, aux", list(PARAMS))
def test_parameter_count_with_and_without_aux_heads(name, aux):
    assert n_params(on_meta(name, aux_logits=aux)) == PARAMS[name, aux]


def test_inception_v4_parameter_count_and_output_shape():
    model = on_meta("inception_v4").eval()
    assert n_params(model) == 42_679_816
    assert model(lucid.zeros(2, 3, 299, 299, device="meta")).shape == (2, 1000)


def test_googlenet_paper_5x5_branch():
    """``branch3_kernel_size=5``: each module's third branch ends in a 5x5 convolution
    (the paper's); torchvision's 3x3 is the default. Extra weights: 16 per pair of
    (reduce, out) channels over the nine modules."""
    model = on_meta("inception_v1", aux_logits=False, branch3_kernel_size=5)
    assert model.inception3a.branch3[1].conv.weight.shape == (32, 16, 5, 5)
    pairs = [(16, 32), (32, 96), (16, 48), (24, 64), (24, 64), (32, 64), (32, 128),
             (32, 128), (48, 128)]
    assert n_params(model) == 6_624_904 + sum(16 * r * o for r, o in pairs)
    with pytest.raises(ValueError, match="branch3_kernel_size"):
        models.inception_v1(branch3_kernel_size=4)


def test_googlenet_aux_heads_policy():
    """Training mode with aux heads: (logits, aux_logits2, aux_logits1), every head gets
    gradients from the paper's loss ``main + 0.3 (aux1 + aux2)``; eval mode: logits only."""
    model = models.inception_v1(num_classes=5, init_weights=False)
    model.train()
    out = model(lucid.randn(2, 3, 64, 64))
    assert isinstance(out, models.GoogLeNetOutputs)
    assert [t.shape for t in out] == [(2, 5)] * 3
    loss = (out.logits ** 2).mean() + 0.3 * ((out.aux_logits1 ** 2).mean()
                                             + (out.aux_logits2 ** 2).mean())
    loss.backward()
    for name in ("aux1.fc2.weight", "aux2.conv.conv.weight", "fc.weight"):
        assert model.get_parameter(name).grad is not None, name
    model.eval()
    with lucid.no_grad():
        logits = model(lucid.randn(2, 3, 64, 64))
    assert isinstance(logits, lucid.Tensor) and logits.shape == (2, 5)


def test_transform_input_renormalises_channels():
    """ImageNet-normalised input mapped to the (p - 0.5) / 0.5 normalisation."""
    from lucid.models.inception._common import transform_input

    pixels = np.random.default_rng(0).uniform(0, 1, (2, 3, 4, 4)).astype(np.float32)
    mean = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
    std = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
    out = transform_input(lucid.tensor((pixels - mean) / std)).numpy()
    np.testing.assert_allclose(out, (pixels - 0.5) / 0.5, atol=1e-5)


def test_inception_v1_forward_backward():
    check_train_step(models.inception_v1(num_classes=10, aux_logits=False),
                     shape=(2, 3, 48, 48))


@pytest.mark.zoo
@pytest.mark.parametrize("name, kwargs", [("inception_v3", {"aux_logits": False}),
                                          ("inception_v4", {})])
def test_forward_backward_zoo(name, kwargs):
    check_train_step(models.create_model(name, num_classes=10, **kwargs),
                     shape=(2, 3, 75, 75))
