"""The classic convolutional families (issue 13): AlexNet, ZFNet, VGG, ResNet-18..1001,
Wide ResNet, ResNeXt, SE-ResNet/ResNeXt, SK-ResNet/ResNeXt, ResNeSt, DenseNet.

- the registry holds every name of ``model-zoo.md`` for these families;
- parameter counts on the ``meta`` device (no data): the reference figures (torchvision /
  timm, which ``tests/parity`` also checks model by model) and, where no implementation
  exists, the paper's (ZFNet by hand from Fig. 3, ResNet-1001 and ResNet-164 from He et al.
  2016, Identity Mappings, Table 2 / Sec. 4: 10.2M and 1.7M);
- ZFNet's map sizes are the paper's Fig. 3 (110, 55, 26, 13, 6);
- a forward + backward step of a small network of each family's blocks runs on the current
  backend (``LUCID_BACKEND=mlx`` for MLX); every full model runs under ``--run-zoo``.
"""

import numpy as np
import pytest

import lucid
from lucid import models, nn
from lucid.models.densenet import DenseNet
from lucid.models.resnest import ResNeStBottleneck
from lucid.models.resnet import ResNet
from lucid.models.resnet_blocks import BasicBlock, Bottleneck
from lucid.models.resnet_preact import PreActResNet
from lucid.models.senet import se_attention
from lucid.models.sknet import SKBasicBlock, SKBottleneck

COUNTS = {  # 1000 classes; torchvision / timm counterparts unless noted
    "alexnet": 61_100_840, "vggnet_11": 132_863_336, "vggnet_13": 133_047_848,
    "vggnet_16": 138_357_544, "vggnet_19": 143_667_240,
    "resnet_18": 11_689_512, "resnet_34": 21_797_672, "resnet_50": 25_557_032,
    "resnet_101": 44_549_160, "resnet_152": 60_192_808, "resnet_200": 64_673_832,
    "resnet_269": 102_073_384, "wide_resnet_50": 68_883_240, "wide_resnet_101": 126_886_696,
    "resnext_50_32x4d": 25_028_904, "resnext_101_32x4d": 44_177_704,
    "resnext_101_32x8d": 88_791_336, "resnext_101_32x16d": 194_026_792,
    "resnext_101_32x32d": 468_530_472, "resnext_101_64x4d": 83_455_272,
    "se_resnet_18": 11_779_624, "se_resnet_34": 21_960_416, "se_resnet_50": 28_088_024,
    "se_resnet_101": 49_326_872, "se_resnet_152": 66_821_848,
    "se_resnext_50_32x4d": 27_559_896, "se_resnext_101_32x4d": 48_955_416,
    "se_resnext_101_32x8d": 93_569_048, "se_resnext_101_64x4d": 88_232_984,
    "sk_resnet_18": 11_958_056, "sk_resnet_34": 22_282_376, "sk_resnet_50": 25_803_160,
    "sk_resnext_50_32x4d": 27_479_784,
    "resnest_14": 10_611_688, "resnest_26": 17_069_448, "resnest_50": 27_483_240,
    "resnest_101": 48_275_016, "resnest_200": 70_201_544, "resnest_269": 110_929_480,
    "resnest_50_4s2x40d": 30_417_592, "resnest_50_1s4x24d": 25_677_000,
    "densenet_121": 7_978_856, "densenet_169": 14_149_480, "densenet_201": 20_013_928,
    "densenet_264": 33_337_704,  # timm DenseNet at the paper's Table 1 configuration
    # no implementation: by hand from the paper's Fig. 3 (see lucid.models.zfnet)
    "zfnet": 96 * 3 * 49 + 96 + 256 * 96 * 25 + 256 + 384 * 256 * 9 + 384
    + 384 * 384 * 9 + 384 + 256 * 384 * 9 + 256 + 9216 * 4096 + 4096 + 4096 * 4096 + 4096
    + 4096 * 1000 + 1000,
    "resnet_1001": 10_582_136,
}
HUGE = {"resnext_101_32x16d", "resnext_101_32x32d"}  # forward+backward skipped: counted only


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def on_meta(name, **kwargs):
    with lucid.device("meta"):
        return models.create_model(name, **kwargs)


def test_registry_has_every_classic_name():
    assert set(COUNTS) <= set(models.list_models())
    assert len(COUNTS) == 47


@pytest.mark.parametrize("name", sorted(set(COUNTS) - {"resnet_1001"}))  # 1001: below
def test_parameter_count_on_meta(name):
    assert n_params(on_meta(name)) == COUNTS[name]


def test_resnet_1001_is_the_papers_10_2m_and_resnet_164_the_papers_1_7m():
    """He et al. 2016 (Identity Mappings), CIFAR-10: ResNet-1001 10.2M (its convolution
    weights, 10,175,920; 10,327,706 in all), ResNet-164 1.7M (1,703,258)."""
    with lucid.device("meta"):
        m1001 = models.resnet_1001(num_classes=10)
        m164 = PreActResNet(164, num_classes=10)
    conv = sum(m.weight.numel() for m in m1001.modules() if isinstance(m, nn.Conv2d))
    assert round(conv / 1e6, 1) == 10.2 and n_params(m1001) == 10_327_706
    assert n_params(m1001) + 990 * (256 + 1) == COUNTS["resnet_1001"]  # 1000-class head
    assert round(n_params(m164) / 1e6, 1) == 1.7 and n_params(m164) == 1_703_258
    assert [len(s) for s in (m1001.layer1, m1001.layer2, m1001.layer3)] == [111] * 3


def test_zfnet_map_sizes_are_figure_3():
    with lucid.device("meta"):
        model = models.zfnet()
        x = lucid.zeros(1, 3, 224, 224)
        sizes = []
        for layer in model.features:
            x = layer(x)
            if isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
                sizes.append(x.shape[-1])
    assert sizes == [110, 55, 26, 13, 13, 13, 13, 6]


def test_bad_configurations_raise():
    with pytest.raises(ValueError, match="layers"):
        ResNet(BasicBlock, (2, 2, 2))
    with pytest.raises(ValueError, match="BasicBlock"):
        ResNet(BasicBlock, (1, 1, 1, 1), groups=32, base_width=4)
    with pytest.raises(ValueError, match="depth"):
        PreActResNet(1000)
    with pytest.raises(ValueError, match="depth"):
        models.VGG(12)


SMALL = (1, 1, 1, 1)
SMALL_NETS = {
    "resnext": lambda: ResNet(Bottleneck, SMALL, num_classes=5, groups=4, base_width=8,
                              drop_path_rate=0.1),
    "cifar_zero_init": lambda: ResNet(BasicBlock, SMALL, num_classes=5, cifar_stem=True,
                                      zero_init_residual=True),
    "se_basic": lambda: ResNet(BasicBlock, SMALL, num_classes=5, attn=se_attention),
    "sk_basic": lambda: ResNet(SKBasicBlock, SMALL, num_classes=5,
                               sk=dict(reduction=8, divisor=16)),
    "sk_bottleneck": lambda: ResNet(SKBottleneck, SMALL, num_classes=5, groups=8, base_width=4,
                                    sk=dict(split_input=False, divisor=32)),
    "resnest": lambda: ResNet(ResNeStBottleneck, SMALL, num_classes=5, deep_stem=True,
                              stem_width=16, avg_down=True, radix=2),
    "resnest_radix1": lambda: ResNet(ResNeStBottleneck, SMALL, num_classes=5, deep_stem=True,
                                     stem_width=16, avg_down=True, radix=1, groups=4,
                                     base_width=24, avd_first=True),
    "preact": lambda: PreActResNet(20, num_classes=5),
    "densenet": lambda: DenseNet((2, 2, 2, 2), growth_rate=8, num_init_features=16,
                                 num_classes=5),
}


SIZES = {"cifar_zero_init": 16}  # CIFAR stem: no downsampling before layer1


def _train_step(model, size: int, classes: int):
    model.train()
    x = lucid.tensor(np.random.default_rng(0).standard_normal((2, 3, size, size))
                     .astype(np.float32))
    out = model(x)
    assert out.shape == (2, classes)
    loss = nn.functional.cross_entropy(out, lucid.tensor(np.array([0, 1])))
    loss.backward()
    assert np.isfinite(float(loss.item()))
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
        assert np.isfinite(p.grad.numpy()).all(), name
    return model


@pytest.mark.parametrize("kind", list(SMALL_NETS))
def test_forward_backward_small_network(kind):
    lucid.manual_seed(0)
    model = _train_step(SMALL_NETS[kind](), SIZES.get(kind, 32), 5)
    if kind == "cifar_zero_init":  # zero_init_residual: each block's last batch norm is 0
        bn = model.layer1[0].bn2
        assert float(np.abs(bn.weight.numpy()).max()) == 0.0
        assert float(np.abs(bn.weight.grad.numpy()).max()) > 0.0


def test_forward_backward_resnet_18_factory():
    _train_step(models.resnet_18(num_classes=3), 32, 3)


@pytest.mark.zoo
@pytest.mark.parametrize("name", sorted(set(COUNTS) - HUGE))
def test_zoo_forward_backward_every_model(name):
    lucid.manual_seed(0)
    size = 32 if name == "resnet_1001" else 64
    _train_step(models.create_model(name, num_classes=4), size, 4)


def test_drop_path_rate_rises_linearly_over_blocks():
    """Stochastic depth as timm's ResNet: block i of n drops with ``rate * i / (n - 1)``."""
    model = ResNet(BasicBlock, (2, 1, 1, 1), num_classes=2, drop_path_rate=0.2)
    blocks = [b for stage in (model.layer1, model.layer2, model.layer3, model.layer4)
              for b in stage]
    rates = [getattr(b.drop_path, "drop_prob", 0.0) for b in blocks]
    np.testing.assert_allclose(rates, [0.0, 0.05, 0.1, 0.15, 0.2])
    assert isinstance(blocks[0].drop_path, nn.Identity)
