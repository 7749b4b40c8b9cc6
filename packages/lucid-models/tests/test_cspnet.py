"""CSPNet (CSPResNet-50, CSPResNeXt-50 32x4d, CSPDarknet-53): registry names, parameter
counts, the cross-stage split, forward+backward on both backends.

Reference counts (1000 classes): timm's ``cspresnet50`` 21,616,168, ``cspresnext50``
20,569,896, ``cspdarknet53`` 27,642,184 (``tests/parity`` checks each against timm).
"""

import numpy as np
import pytest
from zoo_unit import check_train_step, n_params

import lucid
from lucid import models

PARAMS = {"csp_resnet_50": 21_616_168, "csp_resnext_50_32x4d": 20_569_896,
          "csp_darknet_53": 27_642_184}


def test_registered_under_the_original_names():
    assert models.list_models("csp*") == sorted(PARAMS)


@pytest.mark.parametrize("name", list(PARAMS))
def test_parameter_count_and_shape(name):
    with lucid.device("meta"):
        model = models.create_model(name).eval()
    assert n_params(model) == PARAMS[name]
    assert model(lucid.zeros(1, 3, 256, 256, device="meta")).shape == (1, 1000)


def test_cross_stage_only_half_goes_through_the_blocks():
    """The first half of ``conv_exp``'s channels bypasses the blocks: with the transition
    weights on the block half zeroed, the stage output ignores what the blocks compute."""
    from lucid.models.cspnet import BottleneckBlock, CrossStage, StageCfg

    stage = CrossStage(8, StageCfg(16, 2, 1, 2.0, 1.0, 0.5, cross_linear=True),
                       BottleneckBlock).eval()
    assert stage.expand_channels == 32 and stage.blocks[0].conv1.conv.weight.shape[1] == 16
    x = lucid.randn(2, 8, 6, 6)
    with lucid.no_grad():
        exp = stage.conv_exp(x).numpy()
        w = stage.conv_transition.conv.weight.numpy().copy()
        w[:, 16:] = 0
        stage.conv_transition.conv.weight.copy_(lucid.tensor(w))
        bypass = stage(x).numpy()
        conv = np.einsum("oi,nihw->nohw", w[:, :16, 0, 0], exp[:, :16])
        bn = stage.conv_transition.bn
        y = (conv - bn.running_mean.numpy()[:, None, None]) / np.sqrt(
            bn.running_var.numpy()[:, None, None] + bn.eps)
        y = y * bn.weight.numpy()[:, None, None] + bn.bias.numpy()[:, None, None]
        np.testing.assert_allclose(bypass, np.where(y > 0, y, 0.01 * y), rtol=1e-4, atol=1e-5)


def test_zero_init_last():
    """The last batch norm of every residual block starts at weight 0 (timm's default)."""
    from lucid.models.cspnet import BottleneckBlock, CSPNet, DarkBlock, StageCfg

    def small(block, **kwargs):
        return CSPNet((StageCfg(16, 2, 2, 1.0, 0.5, 1.0, down_growth=True),), block,
                      stem_channels=8, stem_kernel_size=3, stem_stride=1, stem_pool=False,
                      num_classes=3, **kwargs)

    dark = small(DarkBlock).stages[0].blocks
    assert all(float(abs(b.conv2.bn.weight).sum().item()) == 0.0 for b in dark)
    bottle = small(BottleneckBlock).stages[0].blocks
    assert all(float(abs(b.conv3.bn.weight).sum().item()) == 0.0 for b in bottle)
    kept = small(BottleneckBlock, zero_init_last=False).stages[0].blocks
    assert float(kept[1].conv3.bn.weight.sum().item()) == 8.0


def test_forward_backward():
    model = models.csp_resnet_50(num_classes=10, zero_init_last=False)
    check_train_step(model, shape=(2, 3, 48, 48))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["csp_resnext_50_32x4d", "csp_darknet_53"])
def test_forward_backward_zoo(name):
    check_train_step(models.create_model(name, num_classes=10, zero_init_last=False),
                     shape=(2, 3, 64, 64))
